// Warden's bridge to Vectorscan (the portable Hyperscan fork; Debian: libvectorscan-dev).
#ifndef WARDEN_CVECTORSCAN_SHIM_H
#define WARDEN_CVECTORSCAN_SHIM_H

#include <hs.h>

#endif

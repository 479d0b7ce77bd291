// Warden's bridge to PCRE2's 8-bit library.
//
// PCRE2 selects its code-unit width with a macro and names its functions through
// token-pasting macros, neither of which Swift can import. This header fixes the
// width at 8 bits (Swift then calls the `_8` functions directly) and re-exports
// the cast macros Warden needs as inline functions.
#ifndef WARDEN_CPCRE2_SHIM_H
#define WARDEN_CPCRE2_SHIM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/// `PCRE2_UNSET`: the ovector value of a capture group that did not participate.
static inline PCRE2_SIZE warden_pcre2_unset(void) { return PCRE2_UNSET; }

/// `PCRE2_ZERO_TERMINATED`: the length that asks PCRE2 to find a NUL terminator.
static inline PCRE2_SIZE warden_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }

#endif

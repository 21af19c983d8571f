# SwiftGAP — the two commands of the README, and a few helpers.
#   make demo   install missing system libraries, build in release, run the main job on shipped data
#   make test   install missing system libraries, build and run the test suite

SWIFT ?= swift
SWIFTGAP := .build/release/swiftgap
# Tests build in their own folder (release with -enable-testing) so they never invalidate the demo build.
TEST_SCRATCH := .build-test

.PHONY: demo test deps build fixtures clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product swiftgap

demo: build
	$(SWIFTGAP) info training-sets/si-sw/sample.xyz

test: deps
	$(SWIFT) build -c release --scratch-path $(TEST_SCRATCH) -Xswiftc -enable-testing --build-tests
	$(SWIFT) test -c release --scratch-path $(TEST_SCRATCH) -Xswiftc -enable-testing --skip-build

# Regenerates the committed fixture files from the peer tools (needs .venv with ase, quippy-ase, dscribe).
fixtures:
	.venv/bin/python scripts/fixtures/make_neighbor_fixtures.py
	.venv/bin/python scripts/fixtures/make_classical_fixtures.py
	.venv/bin/python scripts/fixtures/make_extxyz_fixtures.py

clean:
	rm -rf .build $(TEST_SCRATCH)

# SwiftGAP — the two commands of the README, and a few helpers.
#   make demo   install missing system libraries, build in release, run the main job on shipped data
#   make test   install missing system libraries, build and run the test suite, the Python package's tests and the
#               integration tests (in a venv it makes with ase, dscribe, quippy-ase, i-PI) and a short fuzz run
#   make fuzz   run every libFuzzer target for FUZZ_SECONDS;  make lint   check .swift-format's rules

SWIFT ?= swift
SWIFTGAP := .build/release/swiftgap
# Tests build in their own folder (release with -enable-testing) so they never invalidate the demo build.
TEST_SCRATCH := .build-test

.PHONY: demo test deps build fuzz fuzz-build lint fixtures training-sets potentials clean

# Shipped potentials: the exact commands (their outputs are committed under potentials/).
SI_SW_FIT := --cutoff 4.0 --n-max 10 --l-max 8 --n-sparse 800 --e0 average
AR_KR_FIT := --cutoff 6.5 --n-max 8 --l-max 4 --zeta 2 --delta 0.05 --n-sparse 300 --sigma-energy 0.0002 \
	--sigma-force 0.002 --sigma-virial 0.002 --e0 average

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product swiftgap

# The main job on shipped data: fit si-sw, predict its test split, run 2 ps of NVE MD at 1000 K.
DEMO := demo-output
demo: build
	@mkdir -p $(DEMO)
	@echo "== 1/4 The data: training-sets/si-sw (Stillinger-Weber silicon)"
	$(SWIFTGAP) info training-sets/si-sw/train.xyz
	@echo "== 2/4 Fit a GAP (SOAP n 10 l 8, 800 sparse points) and report train and test errors"
	$(SWIFTGAP) fit training-sets/si-sw/train.xyz -o $(DEMO)/si-sw.gap --test training-sets/si-sw/test.xyz $(SI_SW_FIT) \
		--report $(DEMO)/fit-report --metrics $(DEMO)/fit-metrics.json
	@echo "== 3/4 Predict the held-out test split"
	$(SWIFTGAP) predict $(DEMO)/si-sw.gap training-sets/si-sw/test.xyz -o $(DEMO)/test-predicted.xyz \
		--report $(DEMO)/predict-report --metrics $(DEMO)/predict-metrics.json
	@echo "== 4/4 NVE molecular dynamics: 64 atoms, 1000 K, 1 fs steps, 2 ps, with the new potential"
	$(SWIFTGAP) md training-sets/si-sw/diamond64.xyz --potential $(DEMO)/si-sw.gap --steps 2000 --dt 1 --temperature 1000 \
		--seed 1 --trajectory $(DEMO)/md.xyz --every 20 --log $(DEMO)/md.csv --plot $(DEMO)/md-energy.svg \
		--metrics $(DEMO)/md-metrics.json --max-drift 0.5
	@echo "== Done. Reports: $(DEMO)/fit-report/index.html, $(DEMO)/predict-report/index.html;" \
		"trajectory $(DEMO)/md.xyz, log $(DEMO)/md.csv, energy plot $(DEMO)/md-energy.svg; potential $(DEMO)/si-sw.gap"

# The Python test venv is made in the background while Swift builds (pip mostly waits on the network); the
# Python step waits for it and installs whatever is still missing. The fuzz targets build in the background
# from the end of the test build on (while the Swift tests run and the venv is finished), and fuzz at the end.
test: deps
	@mkdir -p $(TEST_SCRATCH)
	@scripts/test-python.sh --venv-only > $(TEST_SCRATCH)/venv.log 2>&1 & echo $$! > $(TEST_SCRATCH)/venv.pid
	$(SWIFT) build -c release --scratch-path $(TEST_SCRATCH) -Xswiftc -enable-testing --build-tests
	$(SWIFT) build -c release --scratch-path $(TEST_SCRATCH) -Xswiftc -enable-testing --product SwiftGAPC
	@$(MAKE) --no-print-directory fuzz-build > $(TEST_SCRATCH)/fuzz-build.log 2>&1 & echo $$! > $(TEST_SCRATCH)/fuzz-build.pid
	$(SWIFT) test -c release --scratch-path $(TEST_SCRATCH) -Xswiftc -enable-testing --skip-build
	@while kill -0 $$(cat $(TEST_SCRATCH)/venv.pid) 2>/dev/null; do sleep 2; done; cat $(TEST_SCRATCH)/venv.log
	scripts/test-python.sh $(TEST_SCRATCH)/release/swiftgap $(TEST_SCRATCH)/release/libSwiftGAPC.so
	@while kill -0 $$(cat $(TEST_SCRATCH)/fuzz-build.pid) 2>/dev/null; do sleep 2; done
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

# The short fuzz run of `make test`, per target (`make fuzz` alone runs FUZZ_SECONDS).
TEST_FUZZ_SECONDS ?= 6

# Checks the formatting and lint rules of .swift-format (`swift format -i -r Sources Tests fuzz` fixes most).
lint:
	$(SWIFT) format lint --strict -r Sources Tests fuzz Package.swift

# libFuzzer targets (fuzz/): build with -sanitize=fuzzer and run each for FUZZ_SECONDS on a scratch copy of its
# seed corpus; a crash, trap, leak or timeout fails the run and leaves the input in fuzz/artifacts/.
FUZZ_SCRATCH := .build-fuzz
FUZZ_TARGETS := FuzzExtXYZ FuzzPotential FuzzGapFitCommandLine FuzzPairTable FuzzGapXML FuzzIPIMessage \
	FuzzDescriptorSettings FuzzFitSettings
FUZZ_SECONDS ?= 60
fuzz: deps fuzz-build
	scripts/run-fuzzers.sh $(FUZZ_SCRATCH)/release $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Builds every fuzz target (again, showing any error, when `fuzz` follows a failed background build).
fuzz-build:
	@for t in $(FUZZ_TARGETS); do \
		SWIFTGAP_FUZZ=1 $(SWIFT) build -c release --scratch-path $(FUZZ_SCRATCH) --product $$t \
			-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library || exit 1; \
	done

# Regenerates the committed fixture files from the peer tools (needs .venv with ase, quippy-ase, dscribe).
fixtures:
	.venv/bin/python scripts/fixtures/make_neighbor_fixtures.py
	.venv/bin/python scripts/fixtures/make_classical_fixtures.py
	.venv/bin/python scripts/fixtures/make_zbl_fixture.py
	.venv/bin/python scripts/fixtures/make_extxyz_fixtures.py
	.venv/bin/python scripts/fixtures/make_gap_xml_fixtures.py

# Regenerates the shipped training sets (deterministic: the same files come back).
training-sets: build
	$(SWIFTGAP) generate si-sw --seed 2026 -o training-sets/si-sw
	$(SWIFTGAP) generate ar-kr-lj --seed 2026 -o training-sets/ar-kr-lj

# Refits the shipped potentials and their reports.
potentials: build
	mkdir -p potentials/si-sw potentials/ar-kr-lj
	$(SWIFTGAP) fit training-sets/si-sw/train.xyz -o potentials/si-sw/si-sw.gap --test training-sets/si-sw/test.xyz \
		$(SI_SW_FIT) --no-variance --report potentials/si-sw/report --metrics potentials/si-sw/metrics.json \
		> potentials/si-sw/fit.txt
	$(SWIFTGAP) fit training-sets/ar-kr-lj/train.xyz -o potentials/ar-kr-lj/ar-kr-lj.gap --test training-sets/ar-kr-lj/test.xyz \
		$(AR_KR_FIT) --no-variance --report potentials/ar-kr-lj/report --metrics potentials/ar-kr-lj/metrics.json \
		> potentials/ar-kr-lj/fit.txt

clean:
	rm -rf .build $(TEST_SCRATCH) $(DEMO)

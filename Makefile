# cellgate: `make demo` runs the main job, `make test` runs every test. Both set up what
# they need first (Debian packages, the Go-built Kubernetes tools) and are safe to rerun.

SHELL := /bin/bash
ROOT := $(CURDIR)
BUILD := build
ASAN_BUILD := build-asan
BENCH_BUILD := build-bench
CELLS ?= 3
# Where `make image-push` sends the image; the tag is the project version.
IMAGE_REPO ?= ghcr.io/cellgate/cellgate
IMAGE_TAG ?= $(shell sed -n 's/^project.cellgate VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
# Every build below goes through ccache with the settings of scripts/lib/ccache.sh (cache
# beside the tools cache, outside the clone; shared by fresh clones).
$(foreach v,$(shell scripts/lib/ccache.sh),$(eval export $(v)))

.PHONY: all setup tools build asan unit e2e test demo cells cells-down cells-status \
        format lint tidy thread-safety tsan shellcheck fuzz bench bench-compare clean image \
        image-test image-push

all: build

setup:
	scripts/setup --deps

tools: setup
	scripts/kube-tools >/dev/null

# Release binary at build/cellgate.
build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLGATE_BUILD_TESTS=OFF \
	  -DCELLGATE_BUILD_BENCH=OFF >/dev/null
	ninja -C $(BUILD) cellgate

# Debug build with AddressSanitizer + UndefinedBehaviorSanitizer: unit and e2e tests.
asan: setup
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCELLGATE_SANITIZE=ON \
	  -DCELLGATE_BUILD_BENCH=OFF >/dev/null
	ninja -C $(ASAN_BUILD)

unit: asan
	cd $(ASAN_BUILD) && ctest -L unit -j2 --output-on-failure

# Needs running cells (make cells).
e2e: asan tools
	cd $(ASAN_BUILD) && ctest -L e2e --output-on-failure

test:
	scripts/test

# OCI image layout at build/image (tag = project version), built without a daemon.
image: build tools
	scripts/image --tag $(IMAGE_TAG) >/dev/null

# Runs the image with runc: cellgate version, cellgate render (tests/deploy/image_smoke.py).
image-test: image
	python3 tests/deploy/image_smoke.py --tag $(IMAGE_TAG)

# Needs skopeo (apt-get install skopeo) and a login to the registry (skopeo login);
# SKOPEO_FLAGS passes more, e.g. --dest-tls-verify=false for a local test registry.
image-push: image
	skopeo copy $(SKOPEO_FLAGS) oci:build/image:$(IMAGE_TAG) docker://$(IMAGE_REPO):$(IMAGE_TAG)

# libFuzzer targets (fuzz/README.md), 5 minutes each; FUZZ_TIME=seconds to change.
fuzz: setup
	scripts/fuzz --time $(or $(FUZZ_TIME),300)

demo:
	scripts/demo

cells: tools
	scripts/local-cells up $(CELLS)

cells-down:
	scripts/local-cells down

cells-status:
	scripts/local-cells status

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

lint:
	@bad=$$(git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | grep -c 'error:' || true); \
	if [ "$$bad" != "0" ]; then git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror; exit 1; fi
	@echo "clang-format: clean"

tidy: asan
	scripts/tidy $(ASAN_BUILD)

# clang -Wthread-safety over src/ (syntax only; core/thread_annotations.h).
thread-safety: setup
	scripts/thread-safety

# The concurrent parts' unit tests under ThreadSanitizer (build-tsan).
tsan: setup
	scripts/tsan

shellcheck: setup
	scripts/shellcheck

bench: setup tools
	@cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLGATE_BUILD_TESTS=OFF \
	  >/dev/null
	ninja -C $(BENCH_BUILD)
	scripts/bench

# Side by side with Argo CD and Flux on fresh local cells (bench/fleet-compare/README.md):
# builds the cellgate binary and the peers first. BENCH_COMPARE_ARGS passes flags to the run.
bench-compare: setup tools
	@cmake -S . -B build-compare -G Ninja -DCMAKE_BUILD_TYPE=Release -DCELLGATE_BUILD_TESTS=OFF \
	  -DCELLGATE_BUILD_BENCH=OFF >/dev/null
	ninja -C build-compare cellgate
	scripts/peers build
	bench/fleet-compare/run $(BENCH_COMPARE_ARGS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) build-fuzz build-tsan build-thread-safety

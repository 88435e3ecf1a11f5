#!/bin/sh
# Builds every libFuzzer harness in tests/fuzz/ into build-fuzz/ and runs each
# for SECONDS (default 30) from a seed corpus of the matching fixtures.
# Exits 1 if any harness crashes, leaks, times out or does not build; 0 with
# a message when clang's libFuzzer runtime is missing (Debian: clang and
# libclang-rt-14-dev). Never installs anything and never writes into tests/:
# corpora, crash artifacts and logs stay under build-fuzz/.
#
#   scripts/fuzz.sh [SECONDS]
#   build-fuzz/fuzz_NAME build-fuzz/artifacts/NAME-crash-...   # replay one
set -u

secs=${1:-30}
case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.." || exit 1
out=build-fuzz
CC=${FUZZ_CC:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CFLAGS="-std=c11 -D_GNU_SOURCE -Iinclude -g -O1 -fno-omit-frame-pointer \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

# What each harness links: its src/ files, then its pkg-config packages.
# A new harness needs one line here.
harness_srcs() {
	case $1 in
	fuzz_config) echo "src/core/config.c src/core/config-wall.c src/core/lcfg.c src/core/text.c src/core/util.c src/core/atomic-file.c src/core/names.c" ;;
	fuzz_theme) echo "src/tui/theme.c src/core/lcfg.c src/core/text.c src/core/util.c" ;;
	fuzz_virt_xml) echo "src/virt/virt-xml.c src/core/facts.c src/core/text.c src/core/util.c src/core/log.c" ;;
	fuzz_json_read) echo "src/core/json-read.c src/core/util.c src/core/log.c src/core/text.c" ;;
	*) return 1 ;;
	esac
}
harness_pkgs() {
	case $1 in
	fuzz_config) echo "libconfig" ;;
	fuzz_theme) echo "libconfig ncursesw" ;;
	fuzz_virt_xml) echo "libxml-2.0" ;;
	esac
}
# Seed files (globs, from the repository root).
harness_seeds() {
	case $1 in
	fuzz_config) echo "tests/unit/data/config/*.conf \
tests/unit/data/config/*.inc hvdeck.conf.example" ;;
	fuzz_theme) echo "tests/unit/data/theme/* themes/*.theme" ;;
	fuzz_virt_xml) echo "tests/unit/data/xml/*.xml tests/unit/data/cpufit/*.xml" ;;
	fuzz_json_read) echo "tests/unit/data/json/*.json" ;;
	esac
}

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: SKIPPED: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$out/artifacts" || exit 1
probe=$out/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" \
    >"$probe.log" 2>&1; then
	echo "fuzz: SKIPPED: $CC cannot link -fsanitize=fuzzer (libFuzzer runtime" \
	    "missing; Debian: apt-get install clang libclang-rt-14-dev):"
	sed 's/^/  /' "$probe.log" | head -n 5
	exit 0
fi
rm -f "$probe" "$probe.c" "$probe.log"

# The harnesses' temp files (and the fixtures' @include target) live in a
# private directory, in RAM when /dev/shm is there.
scratch=$(mktemp -d /dev/shm/hvdeck-fuzz.XXXXXX 2>/dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/hvdeck-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
cp tests/unit/data/config/*.inc "$scratch"/ 2>/dev/null

failed=
ran=0
for src in tests/fuzz/*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	if ! srcs=$(harness_srcs "$name"); then
		echo "fuzz: $name: not in scripts/fuzz.sh's table of harnesses" >&2
		failed="$failed $name"
		continue
	fi
	pkgs=$(harness_pkgs "$name")
	# shellcheck disable=SC2086 # word splitting is wanted
	pflags= plibs=
	if [ -n "$pkgs" ] && { ! pflags=$($PKG_CONFIG --cflags $pkgs) ||
	    ! plibs=$($PKG_CONFIG --libs $pkgs); }; then
		echo "fuzz: $name: pkg-config $pkgs failed (make deps)" >&2
		failed="$failed $name"
		continue
	fi
	echo "fuzz: building $out/$name"
	# shellcheck disable=SC2086
	if ! "$CC" $CFLAGS $pflags -o "$out/$name" "$src" $srcs $plibs \
	    -lpthread; then
		failed="$failed $name"
		continue
	fi

	corpus=$out/corpus/$name
	mkdir -p "$corpus"
	# shellcheck disable=SC2086
	for f in $(harness_seeds "$name"); do
		[ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
	done

	# Leak checks run after every input that mallocs more than it frees,
	# which libconfig does on many syntax errors: fuzz without them, then
	# replay the grown corpus with them (-runs=0 runs the corpus only).
	log=$out/$name.log
	echo "fuzz: running $name for ${secs}s (log: $log)"
	if TMPDIR=$scratch "$out/$name" -max_total_time="$secs" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -detect_leaks=0 -artifact_prefix="$out/artifacts/$name-" \
	    "$corpus" >"$log" 2>&1 &&
	    TMPDIR=$scratch "$out/$name" -runs=0 -detect_leaks=1 -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix="$out/artifacts/$name-" \
	    "$corpus" >>"$log" 2>&1; then
		ran=$((ran + 1))
		echo "fuzz: $name: $(grep -m 1 '^stat::number_of_executed_units' \
		    "$log" | sed 's/.*: *//') inputs, corpus of" \
		    "$(find "$corpus" -type f | wc -l) files, no crash or leak"
	else
		echo "fuzz: $name: FAILED, see $log; reproducer:" >&2
		grep -E 'Test unit written to|^SUMMARY' "$log" | sed 's/^/  /' >&2
		failed="$failed $name"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed" >&2
	exit 1
fi
echo "fuzz: $ran harnesses ran ${secs}s each without a crash"

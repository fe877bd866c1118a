#!/usr/bin/env bash
# Flash and stack footprint on thumbv7em-none-eabihf (Cortex-M4F), opt-level "z", LTO,
# panic = "abort": .text and .rodata of a client-only, a gate-only and a combined firmware, the
# sizes of the main types, the stack frame of each core call, and reqwless doing one HEAD request.
#
#   bash benches/footprint.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/benches/footprint"
target=thumbv7em-none-eabihf
rustup target add "$target" >/dev/null
rustup component add llvm-tools >/dev/null
bin="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin"
out="$dir/target/$target/release"
(cd "$dir" && cargo build -q --release --locked --target "$target" --features reqwless --bins)

section() { "$bin/llvm-size" -A "$out/$1" | awk -v s="$2" '$1 == s { print $2 }'; }
base_text=$(section empty .text)
base_rodata=$(section empty .rodata)
echo "flash, bytes (the empty firmware's $base_text bytes of .text and $base_rodata of .rodata subtracted)"
echo
echo "| firmware | .text | .rodata |"
echo "|---|---|---|"
for firmware in floor client gate both reqwless-head; do
  printf '| %s | %d | %d |\n' "$firmware" $(( $(section "$firmware" .text) - base_text )) \
    $(( $(section "$firmware" .rodata) - base_rodata ))
done

echo
echo "sizes of the main types on $target, bytes"
echo
"$bin/llvm-objcopy" -O binary --only-section=.sizes "$out/both" "$dir/target/sizes.bin"
python3 - "$dir/target/sizes.bin" <<'PY'
import struct, sys
names = ["ClientSession<'_, 128, 16>", "ClientSession (defaults: 128, 32)", "SessionGate<ArrayStore<8>, 16, 128>",
         "SessionRecord", "Decision", "HeadReader"]
values = struct.unpack("<6I", open(sys.argv[1], "rb").read()[:24])
print("| type | size |\n|---|---|")
for name, value in zip(names, values):
    print(f"| `{name}` | {value} |")
PY

echo
echo "stack frame of each core call (nightly -Z emit-stack-sizes; the core inlines into these wrappers)"
echo
rustup toolchain list | grep -q nightly || { echo "(no nightly toolchain: stack sizes skipped)"; exit 0; }
rustup +nightly target add "$target" >/dev/null
(cd "$dir" && RUSTFLAGS="-Z emit-stack-sizes" cargo +nightly build -q --release --target "$target" \
  --target-dir "$dir/target/stack" --bin both)
"$bin/llvm-readobj" --demangle --stack-sizes "$dir/target/stack/$target/release/both" 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
rows = re.findall(r"Functions: \[(.*?)\]\s*\n\s*Size: (0x[0-9A-Fa-f]+)", text)
wanted = ("client_encode", "client_decode", "gate_round", "Response::parse", "parse_headers_iter", "parse_cookie_date", "_start")
rows = [(int(size, 16), re.sub(r"::h[0-9a-f]{16}$", "", name)) for name, size in rows if any(w in name for w in wanted)]
print("| bytes | function |\n|---|---|")
for size, name in sorted(rows, reverse=True):
    print(f"| {size} | `{name}` |")
'

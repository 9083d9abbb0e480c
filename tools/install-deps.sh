#!/usr/bin/env bash
# Installs what TradeKernel needs and is missing: Debian/Ubuntu packages via
# apt, then the Python package and its tools into .venv.
#   tools/install-deps.sh                 system packages + venv
#   tools/install-deps.sh --python-only   venv only
set -euo pipefail
cd "$(dirname "$0")/.."

python_only=false
[[ "${1:-}" == "--python-only" ]] && python_only=true

# command-or-path -> Debian package
declare -A needs=(
    [clang++]=clang
    [ld.lld]=lld
    [llvm-objcopy]=llvm
    [llvm-ar]=llvm
    [nm]=binutils
    [objdump]=binutils
    [nasm]=nasm
    [qemu-system-x86_64]=qemu-system-x86
    [gdb]=gdb
    [grub-mkrescue]=grub-common
    [/usr/lib/grub/i386-pc]=grub-pc-bin
    [/usr/lib/grub/x86_64-efi]=grub-efi-amd64-bin
    [/usr/share/OVMF/OVMF_CODE_4M.fd]=ovmf
    [/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a]=libclang-rt-14-dev
    [xorriso]=xorriso
    [mformat]=mtools
    [python3]=python3
    [/usr/lib/x86_64-linux-gnu/libjemalloc.so.2]=libjemalloc2
    [/usr/lib/x86_64-linux-gnu/libboost_context.so]=libboost-context-dev  # brings the headers too
    [tshark]=tshark
    # The Linux PREEMPT_RT guest of make benchmark (tradekernel/linux_guest.py)
    [/usr/share/doc/linux-image-rt-amd64]=linux-image-rt-amd64
    [/usr/share/doc/busybox-static]=busybox-static
    [cyclictest]=rt-tests
    [ip]=iproute2  # the veth pair of the Linux packet-ring peer
    [perf]=linux-perf  # make perf: hardware counters where the CPU has them
    [cpio]=cpio  # reads the guest's initramfs back in the tests
)

missing=()
if ! $python_only; then
    for what in "${!needs[@]}"; do
        if [[ "$what" == /* ]]; then [[ -e "$what" ]] && continue
        else command -v "$what" >/dev/null 2>&1 && continue
        fi
        missing+=("${needs[$what]}")
    done
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
fi

if ((${#missing[@]})); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    echo "install-deps: installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

stamp=.venv/.installed
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    echo "install-deps: setting up .venv (Python packages from pyproject.toml)"
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e '.[dev]'
    touch "$stamp"
fi

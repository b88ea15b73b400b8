#!/usr/bin/env bash
# Makes sure this machine can execute i386 (gcc -m32) programs, for the m32 test preset and
# the i386 fuzz build.  Prints one word on stdout: "native" (the kernel runs them), "qemu"
# (the kernel refuses them, e.g. a VM booted without ia32 emulation, so they now run under
# qemu-i386 user-mode emulation registered through binfmt_misc), or exits 1 with a reason.
# Registering a binfmt_misc handler needs root; it lasts until the machine reboots.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'int main(void) { return 0; }\n' > "$dir/t.c"
gcc -m32 "$dir/t.c" -o "$dir/t" || { echo "i386_exec: gcc -m32 cannot link (gcc-multilib?)" >&2; exit 1; }
misc=/proc/sys/fs/binfmt_misc
# Our handler is only ever registered after the kernel refused an i386 program.
if [ -e "$misc/acepack-i386" ] && grep -qx enabled "$misc/acepack-i386" && "$dir/t"; then
  echo qemu; exit 0
fi
if "$dir/t" 2>/dev/null; then echo native; exit 0; fi

qemu=$(command -v qemu-i386 || true)
[ -n "$qemu" ] || { echo "i386_exec: the kernel refuses i386 programs and qemu-i386 (Debian qemu-user) is missing" >&2; exit 1; }
[ -e "$misc/register" ] || mount -t binfmt_misc binfmt_misc "$misc" \
  || { echo "i386_exec: cannot mount binfmt_misc (root needed)" >&2; exit 1; }
if [ ! -e "$misc/acepack-i386" ]; then
  # Matches ELF, 32-bit, little-endian, e_type EXEC or DYN (the mask clears bit 0 of the
  # low type byte), e_machine 3 (EM_386).  Flag F: the interpreter is opened now, so it
  # also serves programs started in other mount namespaces.
  magic='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
  mask='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf '%s' ":acepack-i386:M::$magic:$mask:$qemu:F" > "$misc/register" \
    || { echo "i386_exec: binfmt_misc registration refused" >&2; exit 1; }
fi
"$dir/t" || { echo "i386_exec: i386 programs still do not run under $qemu" >&2; exit 1; }
echo qemu

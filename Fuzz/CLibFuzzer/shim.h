// libFuzzer's driver entry point (compiler-rt, linked by `-sanitize=fuzzer`). SwiftPM renames an executable's
// `main`, so each fuzz target defines `<Target>_main` and hands control to libFuzzer through this.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

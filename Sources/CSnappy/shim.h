#ifndef RUNRA_CSNAPPY_SHIM_H
#define RUNRA_CSNAPPY_SHIM_H
// Snappy's C API (the raw block format Parquet's SNAPPY codec means, not the framing format).
#include <snappy-c.h>
#endif

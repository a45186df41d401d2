#ifndef MAL_KERNELS_H
#define MAL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Whether `bytes[0..<count]` may hold ill-formed UTF-8, checked 32 bytes at a time with AVX2 where the CPU has
/// it: returns -1 when every byte is well-formed UTF-8 (Unicode Table 3-7: no overlong forms, surrogates, values
/// above U+10FFFF or cut-off sequences), else an offset at or before the first ill-formed sequence from which a
/// byte-at-a-time scan finds it (a sequence boundary). Without AVX2 it returns 0 for any non-ASCII input, so the
/// caller's scalar scan does all the work.
ptrdiff_t mal_utf8_scan(const uint8_t *bytes, size_t count);

/// Whether `mal_utf8_scan` uses AVX2 on this CPU.
int mal_utf8_vectorized(void);

/// Replaces each `values[i]` by `1 / (1 + e^-values[i])` with AVX-512F or AVX2 and returns 1, bit for bit what
/// MalTensor's `Activations.sigmoid` computes; returns 0 without touching `values` on CPUs without either.
int mal_sigmoid(float *values, size_t count);

/// Replaces each `values[i]` by `tanh(values[i])` as `mal_sigmoid` does (MalTensor's `Activations.tanh`).
int mal_tanh(float *values, size_t count);

/// The lanes `mal_sigmoid` and `mal_tanh` work on at a time: 16 (AVX-512F), 8 (AVX2) or 0 (they return 0).
int mal_activations_vector_width(void);

#endif

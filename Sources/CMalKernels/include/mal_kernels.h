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

/// word2vec's negative-sampling step for one hidden vector (skip-gram: a context word's input row; CBOW: the mean of
/// the window's): sets `error` to 0; for each of the `count` targets, the output row `output + words[k]·stride` and
/// its label (1 for the word to predict, 0 for a negative sample), f = hidden·row, g = (label − σ(f))·alpha with
/// σ read from `sigmoid` (`table_size` entries over (−range, range); 1 above, 0 below), error += g·row,
/// row += g·hidden; then, if `apply_to` is not NULL, apply_to += error. Rows are `stride` floats, a multiple of 8.
/// With AVX-512F or AVX2 + FMA it returns 1; elsewhere 0 without touching anything (the caller's own loop runs).
int mal_sgns_update(const float *hidden, float *error, float *output, size_t stride, const int32_t *words,
                    const float *labels, int count, float alpha, const float *sigmoid, int table_size, float range,
                    float *apply_to);

/// Asks the CPU to start loading the cache line holding `address` for reading, without waiting for it: a hash
/// table lookup can start the cache misses of several keys before it needs any of them. A hint only (no fault on
/// any address); `static inline`, so Swift callers get the one instruction, not a call.
static inline void mal_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Makes the calling thread's floating-point unit flush denormal results to zero and read denormal inputs as zero
/// (x86-64 MXCSR FTZ and DAZ, as TensorFlow's training threads run): an optimizer's moments of weights that no longer
/// move decay into denormals, which are 10-100 times slower to compute with. Returns the previous setting for
/// `mal_denormals_restore`; elsewhere it does nothing and returns 0.
unsigned mal_denormals_flush(void);

/// Puts back the setting `mal_denormals_flush` returned.
void mal_denormals_restore(unsigned previous);

#endif

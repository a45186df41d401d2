// The inner loop of word2vec's negative sampling (skip-gram and CBOW), with AVX-512F or AVX2 + FMA, chosen at run
// time: for one hidden vector and its targets, the dot products, the table sigmoid, and both row updates.
//
// Rows are `stride` floats, a multiple of 8, zero-padded (MalWord2Vec's layout). The arithmetic is word2vec.c's;
// the order of the additions inside a dot product is this kernel's own (16 or 8 lanes, then a fixed tree), so
// results are the same on every run and any thread count, but not bit for bit those of the portable Swift loop.
#include "mal_kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// g for a score f: (label − σ(f))·alpha, σ from the table over (−range, range), 0 or 1 beyond it (word2vec.c).
static inline float gradient(float f, float label, float alpha, const float *sigmoid, int table_size, float range) {
  if (f > -range && f < range) {
    float scale = (float)table_size / (2 * range);
    return (label - sigmoid[(int)((f + range) * scale)]) * alpha;
  }
  if (f >= range) return (label - 1) * alpha;
  return label * alpha;  // below the table, or NaN once training has diverged
}

__attribute__((target("avx512f"))) static inline float dot512(const float *a, const float *b, size_t stride) {
  __m512 s = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= stride; i += 16) s = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s);
  if (i < stride) {  // the last 8 (stride is a multiple of 8)
    __mmask16 low = 0x00FF;
    s = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(low, a + i), _mm512_maskz_loadu_ps(low, b + i), s);
  }
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx512f"))) static void sgns_avx512(
    const float *hidden, float *error, float *output, size_t stride, const int32_t *words, const float *labels,
    int count, float alpha, const float *sigmoid, int table_size, float range, float *apply_to) {
  for (size_t i = 0; i < stride; i += 8) _mm256_storeu_ps(error + i, _mm256_setzero_ps());
  for (int k = 0; k < count; k++) {
    float *row = output + (size_t)words[k] * stride;
    float g = gradient(dot512(hidden, row, stride), labels[k], alpha, sigmoid, table_size, range);
    __m512 vg = _mm512_set1_ps(g);
    size_t i = 0;
    for (; i + 16 <= stride; i += 16) {
      __m512 r = _mm512_loadu_ps(row + i);
      _mm512_storeu_ps(error + i, _mm512_fmadd_ps(vg, r, _mm512_loadu_ps(error + i)));
      _mm512_storeu_ps(row + i, _mm512_fmadd_ps(vg, _mm512_loadu_ps(hidden + i), r));
    }
    if (i < stride) {
      __mmask16 low = 0x00FF;
      __m512 r = _mm512_maskz_loadu_ps(low, row + i);
      _mm512_mask_storeu_ps(error + i, low, _mm512_fmadd_ps(vg, r, _mm512_maskz_loadu_ps(low, error + i)));
      _mm512_mask_storeu_ps(row + i, low, _mm512_fmadd_ps(vg, _mm512_maskz_loadu_ps(low, hidden + i), r));
    }
  }
  if (apply_to) {
    for (size_t i = 0; i < stride; i += 8) {
      _mm256_storeu_ps(apply_to + i, _mm256_add_ps(_mm256_loadu_ps(apply_to + i), _mm256_loadu_ps(error + i)));
    }
  }
}

__attribute__((target("avx2,fma"))) static inline float dot256(const float *a, const float *b, size_t stride) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= stride; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  if (i < stride) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  __m256 s = _mm256_add_ps(s0, s1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

__attribute__((target("avx2,fma"))) static void sgns_avx2(
    const float *hidden, float *error, float *output, size_t stride, const int32_t *words, const float *labels,
    int count, float alpha, const float *sigmoid, int table_size, float range, float *apply_to) {
  for (size_t i = 0; i < stride; i += 8) _mm256_storeu_ps(error + i, _mm256_setzero_ps());
  for (int k = 0; k < count; k++) {
    float *row = output + (size_t)words[k] * stride;
    float g = gradient(dot256(hidden, row, stride), labels[k], alpha, sigmoid, table_size, range);
    __m256 vg = _mm256_set1_ps(g);
    for (size_t i = 0; i < stride; i += 8) {
      __m256 r = _mm256_loadu_ps(row + i);
      _mm256_storeu_ps(error + i, _mm256_fmadd_ps(vg, r, _mm256_loadu_ps(error + i)));
      _mm256_storeu_ps(row + i, _mm256_fmadd_ps(vg, _mm256_loadu_ps(hidden + i), r));
    }
  }
  if (apply_to) {
    for (size_t i = 0; i < stride; i += 8) {
      _mm256_storeu_ps(apply_to + i, _mm256_add_ps(_mm256_loadu_ps(apply_to + i), _mm256_loadu_ps(error + i)));
    }
  }
}

int mal_sgns_update(const float *hidden, float *error, float *output, size_t stride, const int32_t *words,
                    const float *labels, int count, float alpha, const float *sigmoid, int table_size, float range,
                    float *apply_to) {
  if (__builtin_cpu_supports("avx512f")) {
    sgns_avx512(hidden, error, output, stride, words, labels, count, alpha, sigmoid, table_size, range, apply_to);
    return 1;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    sgns_avx2(hidden, error, output, stride, words, labels, count, alpha, sigmoid, table_size, range, apply_to);
    return 1;
  }
  return 0;
}

#else

int mal_sgns_update(const float *hidden, float *error, float *output, size_t stride, const int32_t *words,
                    const float *labels, int count, float alpha, const float *sigmoid, int table_size, float range,
                    float *apply_to) {
  (void)hidden; (void)error; (void)output; (void)stride; (void)words; (void)labels; (void)count; (void)alpha;
  (void)sigmoid; (void)table_size; (void)range; (void)apply_to;
  return 0;
}

#endif

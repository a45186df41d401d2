// Sigmoid and tanh over Float32 buffers, 16 lanes at a time with AVX-512F or 8 with AVX, chosen at run time.
//
// The arithmetic is exactly that of MalTensor's `Activations.exp8` (Swift SIMD8): the same clamp, the same
// range reduction, the same degree-7 Taylor polynomial in Horner form, the same operations in the same order,
// each rounded on its own (no fused multiply-add), so every lane gives the bit pattern the Swift code gives and
// results do not depend on which path ran. The Swift code compiles for baseline x86-64 (two SSE halves per SIMD8
// operation); here the wider units do the same work in a third to a quarter of the instructions.
#include "mal_kernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// a·b + c must stay a multiply and an add, each rounded: the Swift code does not fuse them.
#pragma clang fp contract(off)

#define EXP_CONSTANTS(set1)                                                                  \
  const VEC low = set1(-87.3f), high = set1(88.3f), magic = set1(12582912.0f);               \
  const VEC log2e = set1(1.44269504f), ln2_high = set1(0.693145751953125f);                  \
  const VEC ln2_low = set1(1.428606765330187e-6f);                                           \
  const VEC c7 = set1(1.0f / 5040), c6 = set1(1.0f / 720), c5 = set1(1.0f / 120);            \
  const VEC c4 = set1(1.0f / 24), c3 = set1(1.0f / 6), c2 = set1(0.5f), one = set1(1.0f)

// ---- AVX-512F: 16 lanes ----

#define VEC __m512
__attribute__((target("avx512f"))) static inline __m512 exp16(__m512 x) {
  EXP_CONSTANTS(_mm512_set1_ps);
  // clamped = x < low ? low : x; clamped = clamped > high ? high : clamped (NaN passes, as in Swift)
  __m512 clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, low, _CMP_LT_OQ), x, low);
  clamped = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(clamped, high, _CMP_GT_OQ), clamped, high);
  __m512 shifted = _mm512_add_ps(_mm512_mul_ps(clamped, log2e), magic);
  __m512 n = _mm512_sub_ps(shifted, magic);
  __m512 r = _mm512_sub_ps(clamped, _mm512_mul_ps(n, ln2_high));
  r = _mm512_sub_ps(r, _mm512_mul_ps(n, ln2_low));
  __m512 p = c7;
  p = _mm512_add_ps(_mm512_mul_ps(p, r), c6);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), c5);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), c4);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), c3);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), c2);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), one);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), one);
  __m512i integer = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000));
  __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(integer, _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

// Swift's prefix minus on SIMD floats is `0 - x`, not a sign flip: -(+0) is +0 there, and a NaN keeps its sign.
__attribute__((target("avx512f"))) static inline __m512 negate16(__m512 x) {
  return _mm512_sub_ps(_mm512_setzero_ps(), x);
}

__attribute__((target("avx512f"))) static inline __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp16(negate16(x))));
}

__attribute__((target("avx512f"))) static inline __m512 tanh16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
  __mmask16 negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  __m512 a = _mm512_mask_blend_ps(negative, x, negate16(x));
  __m512 e = exp16(_mm512_add_ps(a, a));
  __m512 t = _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(e, one)));
  return _mm512_mask_blend_ps(negative, t, negate16(t));
}
#undef VEC

__attribute__((target("avx512f"))) static void sigmoid_avx512(float *values, size_t count) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) _mm512_storeu_ps(values + i, sigmoid16(_mm512_loadu_ps(values + i)));
  if (i < count) {
    __mmask16 tail = (__mmask16)((1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(values + i, tail, sigmoid16(_mm512_maskz_loadu_ps(tail, values + i)));
  }
}

__attribute__((target("avx512f"))) static void tanh_avx512(float *values, size_t count) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) _mm512_storeu_ps(values + i, tanh16(_mm512_loadu_ps(values + i)));
  if (i < count) {
    __mmask16 tail = (__mmask16)((1u << (count - i)) - 1);
    _mm512_mask_storeu_ps(values + i, tail, tanh16(_mm512_maskz_loadu_ps(tail, values + i)));
  }
}

// ---- AVX2: 8 lanes ----

#define VEC __m256
__attribute__((target("avx2"))) static inline __m256 exp8(__m256 x) {
  EXP_CONSTANTS(_mm256_set1_ps);
  __m256 clamped = _mm256_blendv_ps(x, low, _mm256_cmp_ps(x, low, _CMP_LT_OQ));
  clamped = _mm256_blendv_ps(clamped, high, _mm256_cmp_ps(clamped, high, _CMP_GT_OQ));
  __m256 shifted = _mm256_add_ps(_mm256_mul_ps(clamped, log2e), magic);
  __m256 n = _mm256_sub_ps(shifted, magic);
  __m256 r = _mm256_sub_ps(clamped, _mm256_mul_ps(n, ln2_high));
  r = _mm256_sub_ps(r, _mm256_mul_ps(n, ln2_low));
  __m256 p = c7;
  p = _mm256_add_ps(_mm256_mul_ps(p, r), c6);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), c5);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), c4);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), c3);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), c2);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), one);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), one);
  __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000));
  __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}
#undef VEC

__attribute__((target("avx2"))) static inline __m256 negate8(__m256 x) {
  return _mm256_sub_ps(_mm256_setzero_ps(), x);  // as Swift's prefix minus: see negate16
}

__attribute__((target("avx2"))) static inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp8(negate8(x))));
}

__attribute__((target("avx2"))) static inline __m256 tanh8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
  __m256 negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
  __m256 a = _mm256_blendv_ps(x, negate8(x), negative);
  __m256 e = exp8(_mm256_add_ps(a, a));
  __m256 t = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(e, one)));
  return _mm256_blendv_ps(t, negate8(t), negative);
}

// The last count % 8 values go through a zero-padded copy, so they get the vector arithmetic too.
#define AVX2_LOOP(name, kernel)                                                       \
  __attribute__((target("avx2"))) static void name(float *values, size_t count) {    \
    size_t i = 0;                                                                     \
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(values + i, kernel(_mm256_loadu_ps(values + i))); \
    if (i < count) {                                                                  \
      float tail[8] = {0};                                                            \
      memcpy(tail, values + i, (count - i) * sizeof(float));                          \
      _mm256_storeu_ps(tail, kernel(_mm256_loadu_ps(tail)));                          \
      memcpy(values + i, tail, (count - i) * sizeof(float));                          \
    }                                                                                 \
  }
AVX2_LOOP(sigmoid_avx2, sigmoid8)
AVX2_LOOP(tanh_avx2, tanh8)

// 1: AVX-512F; 2: AVX2; 3: neither (the caller's own code runs).
static int activation_path(void) {
  return __builtin_cpu_supports("avx512f") ? 1 : __builtin_cpu_supports("avx2") ? 2 : 3;
}

int mal_sigmoid(float *values, size_t count) {
  switch (activation_path()) {
  case 1: sigmoid_avx512(values, count); return 1;
  case 2: sigmoid_avx2(values, count); return 1;
  default: return 0;
  }
}

int mal_tanh(float *values, size_t count) {
  switch (activation_path()) {
  case 1: tanh_avx512(values, count); return 1;
  case 2: tanh_avx2(values, count); return 1;
  default: return 0;
  }
}

int mal_activations_vector_width(void) {
  switch (activation_path()) {
  case 1: return 16;
  case 2: return 8;
  default: return 0;
  }
}

#else

int mal_sigmoid(float *values, size_t count) { (void)values; (void)count; return 0; }
int mal_tanh(float *values, size_t count) { (void)values; (void)count; return 0; }
int mal_activations_vector_width(void) { return 0; }

#endif

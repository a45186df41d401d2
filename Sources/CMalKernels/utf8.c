// UTF-8 validation 32 bytes at a time: the lookup method of Keiser and Lemire, "Validating UTF-8 In Less Than One
// Instruction Per Byte" (Software: Practice and Experience, 2021). Three 16-entry tables indexed by the high nibble of
// the previous byte, its low nibble and the high nibble of the current byte give, ANDed, the error classes that a
// two-byte window can show; a second check makes sure the third and fourth bytes of long sequences are continuations.
#include "mal_kernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

// Error classes, one bit each: a pair (previous byte, byte) is ill-formed when all three tables agree on a bit.
enum {
  TOO_SHORT = 1 << 0,       // a lead byte followed by a lead byte or ASCII
  TOO_LONG = 1 << 1,        // ASCII followed by a continuation
  OVERLONG_3 = 1 << 2,      // E0 followed by 80…9F
  TOO_LARGE = 1 << 3,       // F4 followed by 90…BF, or F5…FF
  SURROGATE = 1 << 4,       // ED followed by A0…BF
  OVERLONG_2 = 1 << 5,      // C0 or C1
  TOO_LARGE_1000 = 1 << 6,  // F5…FF followed by 80…8F
  OVERLONG_4 = 1 << 6,      // F0 followed by 80…8F
  TWO_CONTINUATIONS = 1 << 7,
  CARRY = TOO_SHORT | TOO_LONG | TWO_CONTINUATIONS,
};

__attribute__((target("avx2"))) static inline __m256i table(const uint8_t t[16]) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

// The vector of the bytes N places before each byte of `input`, the first N from the end of `previous`.
#define PREVIOUS(input, previous, n) \
  _mm256_alignr_epi8((input), _mm256_permute2x128_si256((previous), (input), 0x21), 16 - (n))

__attribute__((target("avx2"))) static inline __m256i block_errors(__m256i input, __m256i previous) {
  static const uint8_t byte1_high[16] = {
      TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
      TWO_CONTINUATIONS, TWO_CONTINUATIONS, TWO_CONTINUATIONS, TWO_CONTINUATIONS,
      TOO_SHORT | OVERLONG_2,
      TOO_SHORT,
      TOO_SHORT | OVERLONG_3 | SURROGATE,
      TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
  };
  static const uint8_t byte1_low[16] = {
      CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
      CARRY | OVERLONG_2,
      CARRY,
      CARRY,
      CARRY | TOO_LARGE,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
      CARRY | TOO_LARGE | TOO_LARGE_1000,
  };
  static const uint8_t byte2_high[16] = {
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
      TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
      TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | OVERLONG_3 | TOO_LARGE,
      TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | SURROGATE | TOO_LARGE,
      TOO_LONG | OVERLONG_2 | TWO_CONTINUATIONS | SURROGATE | TOO_LARGE,
      TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
  };
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i previous1 = PREVIOUS(input, previous, 1);
  __m256i high1 = _mm256_and_si256(_mm256_srli_epi16(previous1, 4), nibble);
  __m256i low1 = _mm256_and_si256(previous1, nibble);
  __m256i high2 = _mm256_and_si256(_mm256_srli_epi16(input, 4), nibble);
  __m256i special = _mm256_and_si256(
      _mm256_and_si256(_mm256_shuffle_epi8(table(byte1_high), high1), _mm256_shuffle_epi8(table(byte1_low), low1)),
      _mm256_shuffle_epi8(table(byte2_high), high2));
  // Bytes two after a lead of three or more, or three after a lead of four, must be continuations: they carry the
  // TWO_CONTINUATIONS bit, which the XOR clears where it is required and sets where it is missing.
  __m256i third = _mm256_subs_epu8(PREVIOUS(input, previous, 2), _mm256_set1_epi8((char)(0xE0 - 0x80)));
  __m256i fourth = _mm256_subs_epu8(PREVIOUS(input, previous, 3), _mm256_set1_epi8((char)(0xF0 - 0x80)));
  __m256i required = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
  return _mm256_xor_si256(required, special);
}

// Nonzero where the block ends inside a sequence: a lead byte among its last three bytes that needs more bytes.
__attribute__((target("avx2"))) static inline __m256i incomplete(__m256i input) {
  static const uint8_t limits[32] = {
      255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
      255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0xF0 - 1, 0xE0 - 1, 0xC0 - 1,
  };
  return _mm256_subs_epu8(input, _mm256_loadu_si256((const __m256i *)limits));
}

__attribute__((target("avx2"))) static ptrdiff_t scan_avx2(const uint8_t *bytes, size_t count) {
  __m256i previous = _mm256_setzero_si256();
  __m256i pending = _mm256_setzero_si256();  // the previous block ended inside a sequence
  size_t i = 0;
  for (;; i += 32) {
    __m256i input;
    if (i + 32 <= count) {
      input = _mm256_loadu_si256((const __m256i *)(bytes + i));
    } else {
      // The tail, padded with zeros: ASCII after a cut-off sequence is an error (TOO_SHORT), as it must be.
      uint8_t tail[32] = {0};
      if (i < count) memcpy(tail, bytes + i, count - i);
      input = _mm256_loadu_si256((const __m256i *)tail);
    }
    __m256i errors;
    if (_mm256_movemask_epi8(input) == 0) {
      errors = pending;
      pending = _mm256_setzero_si256();
    } else {
      errors = block_errors(input, previous);
      pending = incomplete(input);
    }
    if (!_mm256_testz_si256(errors, errors)) {
      // The error lies in this block or in a sequence that began in the three bytes before it: back up one block and
      // then to a sequence boundary (everything before the previous block is well-formed).
      size_t start = i >= 32 ? i - 32 : 0;
      while (start > 0 && (bytes[start] & 0xC0) == 0x80) start--;
      return (ptrdiff_t)start;
    }
    previous = input;
    if (i + 32 >= count) break;
  }
  if (!_mm256_testz_si256(pending, pending)) {  // the input ends inside a sequence (its length a multiple of 32)
    size_t start = i;
    while (start > 0 && (bytes[start] & 0xC0) == 0x80) start--;
    return (ptrdiff_t)start;
  }
  return -1;
}
#endif

int mal_utf8_vectorized(void) {
#if defined(__x86_64__) || defined(_M_X64)
  return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
  return 0;
#endif
}

ptrdiff_t mal_utf8_scan(const uint8_t *bytes, size_t count) {
#if defined(__x86_64__) || defined(_M_X64)
  if (count >= 16 && mal_utf8_vectorized()) return scan_avx2(bytes, count);
#endif
  (void)bytes;
  (void)count;
  return 0;
}

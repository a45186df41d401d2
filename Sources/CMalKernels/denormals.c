#include "mal_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

// MXCSR bit 15 flushes denormal results to zero (FTZ), bit 6 reads denormal inputs as zero (DAZ).
#define MAL_FTZ_DAZ 0x8040u

unsigned mal_denormals_flush(void) {
  unsigned previous = _mm_getcsr();
  _mm_setcsr(previous | MAL_FTZ_DAZ);
  return previous;
}

void mal_denormals_restore(unsigned previous) { _mm_setcsr(previous); }
#else
unsigned mal_denormals_flush(void) { return 0; }
void mal_denormals_restore(unsigned previous) { (void)previous; }
#endif

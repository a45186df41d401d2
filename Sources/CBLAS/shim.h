// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Only MalTensor imports this module.
#include <cblas.h>

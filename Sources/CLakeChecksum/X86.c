// The x86-64 fast paths, each compiled for its instructions with a target attribute and taken
// only when the CPU reports them (the target itself is built for the baseline):
// - CRC32 and CRC64NVME: PCLMULQDQ folding of four 128-bit lanes, then Barrett reduction
//   (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction", 2009).
// - CRC32C: the SSE4.2 crc32 instruction on three interleaved streams, whose CRCs are joined
//   with tables that shift a CRC over a stream's length of zeros (as in Mark Adler's crc32c.c).
#include "CRCModel.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

// MARK: - PCLMULQDQ folding (CRC32, CRC64NVME)

/// Carry-less product of two 64-bit values: bit k of the 128-bit result is the XOR of
/// a_i * b_j over i + j = k.
__attribute__((target("pclmul"))) static inline void clmul(uint64_t a, uint64_t b, uint64_t *low,
                                                           uint64_t *high) {
  __m128i product =
      _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)a), _mm_cvtsi64_si128((long long)b), 0);
  *low = (uint64_t)_mm_cvtsi128_si64(product);
  *high = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(product, product));
}

/// a(x) * x^w mod P for a reflected w-bit a (Barrett): with mu = x^w + mu0 and P = x^w + P0,
/// q = a + floor(a * mu0 / x^w) and the result is (q * P0) mod x^w. In a carry-less product
/// of reflected w-bit values, bit k is the coefficient of x^(2w-2-k), hence the shifts.
__attribute__((target("pclmul"))) static inline uint64_t barrett(const lake_crc_model *model,
                                                                 uint64_t a) {
  uint64_t low, high;
  if (model->width == 64) {
    clmul(a, model->barrett_mu, &low, &high);
    uint64_t q = a ^ (low << 1);
    clmul(q, model->poly, &low, &high);
    return (high << 1) | (low >> 63);
  }
  clmul(a, model->barrett_mu, &low, &high);
  uint64_t q = a ^ ((low << 1) & 0xffffffff);
  clmul(q, model->poly, &low, &high);
  return (low >> 31) & 0xffffffff;
}

/// The register after the 16 bytes of `value` (lane bit i is the coefficient of x^(127-i)),
/// starting from zero: value(x) * x^w mod P, reduced w bits at a time.
__attribute__((target("pclmul"))) static inline uint64_t reduce128(const lake_crc_model *model,
                                                                   __m128i value) {
  uint64_t low = (uint64_t)_mm_cvtsi128_si64(value);
  uint64_t high = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(value, value));
  if (model->width == 64) return barrett(model, barrett(model, low) ^ high);
  uint64_t crc = barrett(model, low & 0xffffffff);
  crc = barrett(model, crc ^ (low >> 32));
  crc = barrett(model, crc ^ (high & 0xffffffff));
  return barrett(model, crc ^ (high >> 32));
}

/// lane * x^D mod P (up to degree 127) for the constants of D: the lane's high-degree half
/// (low quadword) times x^(D+63), its low-degree half times x^(D-1).
__attribute__((target("pclmul"))) static inline __m128i fold(__m128i lane, __m128i constants) {
  return _mm_xor_si128(_mm_clmulepi64_si128(lane, constants, 0x00),
                       _mm_clmulepi64_si128(lane, constants, 0x11));
}

static inline __m128i load(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }

__attribute__((target("pclmul"))) uint64_t lake_crc_fold_pclmul(const lake_crc_model *model,
                                                                uint64_t crc, const uint8_t *data,
                                                                size_t length) {
  if (length < 64) return lake_crc_portable_update(model, crc, data, length);
  // The register joins the message's first w bits (it is what the first bytes meet).
  __m128i x0 = _mm_xor_si128(load(data), _mm_cvtsi64_si128((long long)crc));
  __m128i x1 = load(data + 16), x2 = load(data + 32), x3 = load(data + 48);
  data += 64;
  length -= 64;
  __m128i k512 = _mm_set_epi64x((long long)model->fold512[1], (long long)model->fold512[0]);
  while (length >= 64) {
    x0 = _mm_xor_si128(fold(x0, k512), load(data));
    x1 = _mm_xor_si128(fold(x1, k512), load(data + 16));
    x2 = _mm_xor_si128(fold(x2, k512), load(data + 32));
    x3 = _mm_xor_si128(fold(x3, k512), load(data + 48));
    data += 64;
    length -= 64;
  }
  __m128i k128 = _mm_set_epi64x((long long)model->fold128[1], (long long)model->fold128[0]);
  __m128i x = _mm_xor_si128(fold(x0, k128), x1);
  x = _mm_xor_si128(fold(x, k128), x2);
  x = _mm_xor_si128(fold(x, k128), x3);
  while (length >= 16) {
    x = _mm_xor_si128(fold(x, k128), load(data));
    data += 16;
    length -= 16;
  }
  return lake_crc_portable_update(model, reduce128(model, x), data, length);
}

// MARK: - SSE4.2 (CRC32C)

enum { LONG_STREAM = 8192, SHORT_STREAM = 256 };

/// crc(x) * x^(8 * stream length) mod P, one table per byte of the CRC.
static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];

static void build_shift(uint32_t table[4][256], size_t length) {
  uint64_t factor = lake_crc_x_to_8n(&lake_model_crc32c, length);
  for (unsigned k = 0; k < 4; k++) {
    for (unsigned b = 0; b < 256; b++) {
      table[k][b] = (uint32_t)lake_crc_multiply(&lake_model_crc32c, (uint64_t)b << (8 * k), factor);
    }
  }
}

static inline uint32_t shift(const uint32_t table[4][256], uint32_t crc) {
  return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^ table[2][(crc >> 16) & 0xff] ^
         table[3][crc >> 24];
}

static inline uint64_t load64(const uint8_t *p) {
  uint64_t value;
  memcpy(&value, p, 8);
  return value;
}

/// While three streams of `stream` bytes remain, runs them side by side (the first from `crc`,
/// the others from zero) and joins their registers into `crc`.
#define CRC32C_STREAMS(stream, table)                                            \
  while (length >= 3 * (stream)) {                                               \
    uint64_t c0 = crc, c1 = 0, c2 = 0;                                           \
    const uint8_t *end = data + (stream);                                        \
    do {                                                                         \
      c0 = _mm_crc32_u64(c0, load64(data));                                      \
      c1 = _mm_crc32_u64(c1, load64(data + (stream)));                           \
      c2 = _mm_crc32_u64(c2, load64(data + 2 * (stream)));                       \
      data += 8;                                                                 \
    } while (data < end);                                                        \
    crc = shift(table, shift(table, (uint32_t)c0) ^ (uint32_t)c1) ^ (uint32_t)c2; \
    data += 2 * (stream);                                                        \
    length -= 3 * (stream);                                                      \
  }

__attribute__((target("sse4.2"))) uint32_t lake_crc32c_sse42(uint32_t crc, const uint8_t *data,
                                                             size_t length) {
  CRC32C_STREAMS(LONG_STREAM, shift_long)
  CRC32C_STREAMS(SHORT_STREAM, shift_short)
  uint64_t c = crc;
  while (length >= 8) {
    c = _mm_crc32_u64(c, load64(data));
    data += 8;
    length -= 8;
  }
  uint32_t c32 = (uint32_t)c;
  while (length--) c32 = _mm_crc32_u8(c32, *data++);
  return c32;
}

unsigned lake_crc_x86_init(void) {
  __builtin_cpu_init();
  unsigned paths = 0;
  if (__builtin_cpu_supports("pclmul")) paths |= 1 | 4;
  if (__builtin_cpu_supports("sse4.2")) {
    build_shift(shift_long, LONG_STREAM);
    build_shift(shift_short, SHORT_STREAM);
    paths |= 2;
  }
  return paths;
}

#else

unsigned lake_crc_x86_init(void) { return 0; }

uint64_t lake_crc_fold_pclmul(const lake_crc_model *model, uint64_t crc, const uint8_t *data,
                              size_t length) {
  return lake_crc_portable_update(model, crc, data, length);
}

uint32_t lake_crc32c_sse42(uint32_t crc, const uint8_t *data, size_t length) {
  return (uint32_t)lake_crc_portable_update(&lake_model_crc32c, crc, data, length);
}

#endif

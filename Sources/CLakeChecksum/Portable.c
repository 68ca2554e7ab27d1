// The portable CRC paths (slicing-by-8), the models' tables and constants, and the arithmetic
// of polynomials mod P that both the constants and crc_combine use.
#include "CRCModel.h"
#include "CLakeChecksum.h"

#include <string.h>

lake_crc_model lake_model_crc32;
lake_crc_model lake_model_crc32c;
lake_crc_model lake_model_crc64nvme;

static unsigned accelerated;

static uint64_t width_mask(const lake_crc_model *model) {
  return model->width == 64 ? UINT64_MAX : ((uint64_t)1 << model->width) - 1;
}

uint64_t lake_crc_multiply(const lake_crc_model *model, uint64_t a, uint64_t b) {
  // Bit (w-1-i) of a is the coefficient of x^i; b runs through b * x^i.
  uint64_t product = 0;
  uint64_t one = (uint64_t)1 << (model->width - 1);
  for (unsigned i = 0; i < model->width; i++) {
    if (a & (one >> i)) product ^= b;
    b = (b & 1) ? (b >> 1) ^ model->poly : b >> 1;
  }
  return product;
}

static uint64_t power(const lake_crc_model *model, uint64_t base, uint64_t exponent) {
  uint64_t result = (uint64_t)1 << (model->width - 1);  // x^0
  while (exponent) {
    if (exponent & 1) result = lake_crc_multiply(model, result, base);
    base = lake_crc_multiply(model, base, base);
    exponent >>= 1;
  }
  return result;
}

uint64_t lake_crc_x_to(const lake_crc_model *model, uint64_t n) {
  return power(model, (uint64_t)1 << (model->width - 2), n);
}

uint64_t lake_crc_x_to_8n(const lake_crc_model *model, uint64_t bytes) {
  return power(model, (uint64_t)1 << (model->width - 9), bytes);  // base x^8
}

/// x^n mod P as a 64-bit reflected value (bit i is x^(63-i)), for PCLMULQDQ.
static uint64_t x_to_64bit(const lake_crc_model *model, uint64_t n) {
  return lake_crc_x_to(model, n) << (64 - model->width);
}

static uint64_t reflect(uint64_t value, unsigned width) {
  uint64_t out = 0;
  for (unsigned i = 0; i < width; i++) {
    out = (out << 1) | (value & 1);
    value >>= 1;
  }
  return out;
}

/// floor(x^2w / P) - x^w by long division, reflected. The first step of the division
/// (x^2w = x^w * P + x^w * P0) leaves x^w * P0; the quotient's lower bits then depend only on
/// the remainder's top w bits, which is all this tracks.
static uint64_t barrett_mu(unsigned width, uint64_t poly) {
  uint64_t p0 = reflect(poly, width);  // P - x^w, normal bit order
  uint64_t mask = width == 64 ? UINT64_MAX : ((uint64_t)1 << width) - 1;
  uint64_t high = p0, quotient = 0;  // high bit d: coefficient of x^(w+d)
  for (int d = (int)width - 1; d >= 0; d--) {
    if (!((high >> d) & 1)) continue;
    quotient |= (uint64_t)1 << d;
    high ^= (uint64_t)1 << d;  // remainder -= (x^w + P0) * x^d
    if (d > 0) high ^= (p0 >> (width - d)) & mask;
  }
  return reflect(quotient, width);
}

void lake_crc_model_init(lake_crc_model *model, unsigned width, uint64_t poly) {
  model->width = width;
  model->poly = poly;
  for (unsigned b = 0; b < 256; b++) {
    uint64_t crc = b;
    for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
    model->table[0][b] = crc;
  }
  for (unsigned k = 1; k < 8; k++) {
    for (unsigned b = 0; b < 256; b++) {
      uint64_t previous = model->table[k - 1][b];
      model->table[k][b] = (previous >> 8) ^ model->table[0][previous & 0xff];
    }
  }
  model->fold512[0] = x_to_64bit(model, 512 + 63);
  model->fold512[1] = x_to_64bit(model, 512 - 1);
  model->fold128[0] = x_to_64bit(model, 128 + 63);
  model->fold128[1] = x_to_64bit(model, 128 - 1);
  model->barrett_mu = barrett_mu(width, poly);
}

static inline uint64_t load_le64(const uint8_t *p) {
  uint64_t value;
  memcpy(&value, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  value = __builtin_bswap64(value);
#endif
  return value;
}

uint64_t lake_crc_portable_update(const lake_crc_model *model, uint64_t crc, const uint8_t *data,
                                  size_t length) {
  const uint64_t(*t)[256] = model->table;
  while (length >= 8) {
    uint64_t word = load_le64(data) ^ crc;
    crc = t[7][word & 0xff] ^ t[6][(word >> 8) & 0xff] ^ t[5][(word >> 16) & 0xff] ^
          t[4][(word >> 24) & 0xff] ^ t[3][(word >> 32) & 0xff] ^ t[2][(word >> 40) & 0xff] ^
          t[1][(word >> 48) & 0xff] ^ t[0][word >> 56];
    data += 8;
    length -= 8;
  }
  while (length--) crc = t[0][(crc ^ *data++) & 0xff] ^ (crc >> 8);
  return crc;
}

__attribute__((constructor)) static void lake_checksum_init(void) {
  lake_crc_model_init(&lake_model_crc32, 32, 0xEDB88320);
  lake_crc_model_init(&lake_model_crc32c, 32, 0x82F63B78);
  lake_crc_model_init(&lake_model_crc64nvme, 64, 0x9A6C9329AC4BC9B5ULL);
  accelerated = lake_crc_x86_init();
}

unsigned lake_checksum_accelerated(void) { return accelerated; }

// MARK: - public entry points

static uint64_t portable(const lake_crc_model *model, uint64_t crc, const void *data,
                         size_t length) {
  uint64_t mask = width_mask(model);
  return ~lake_crc_portable_update(model, ~crc & mask, data, length) & mask;
}

uint32_t lake_crc32_portable(uint32_t crc, const void *data, size_t length) {
  return (uint32_t)portable(&lake_model_crc32, crc, data, length);
}

uint32_t lake_crc32c_portable(uint32_t crc, const void *data, size_t length) {
  return (uint32_t)portable(&lake_model_crc32c, crc, data, length);
}

uint64_t lake_crc64nvme_portable(uint64_t crc, const void *data, size_t length) {
  return portable(&lake_model_crc64nvme, crc, data, length);
}

uint32_t lake_crc32(uint32_t crc, const void *data, size_t length) {
  if (!(accelerated & 1)) return lake_crc32_portable(crc, data, length);
  return ~(uint32_t)lake_crc_fold_pclmul(&lake_model_crc32, (uint32_t)~crc, data, length);
}

uint32_t lake_crc32c(uint32_t crc, const void *data, size_t length) {
  if (!(accelerated & 2)) return lake_crc32c_portable(crc, data, length);
  return ~lake_crc32c_sse42(~crc, data, length);
}

uint64_t lake_crc64nvme(uint64_t crc, const void *data, size_t length) {
  if (!(accelerated & 4)) return lake_crc64nvme_portable(crc, data, length);
  return ~lake_crc_fold_pclmul(&lake_model_crc64nvme, ~crc, data, length);
}

// MARK: - combine

// With init == xorout, crc(A B) = crc(A) * x^(8 |B|) + crc(B) mod P (as in zlib).
static uint64_t combine(const lake_crc_model *model, uint64_t crc1, uint64_t crc2,
                        uint64_t length2) {
  return lake_crc_multiply(model, crc1, lake_crc_x_to_8n(model, length2)) ^ crc2;
}

uint32_t lake_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t length2) {
  return (uint32_t)combine(&lake_model_crc32, crc1, crc2, length2);
}

uint32_t lake_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t length2) {
  return (uint32_t)combine(&lake_model_crc32c, crc1, crc2, length2);
}

uint64_t lake_crc64nvme_combine(uint64_t crc1, uint64_t crc2, uint64_t length2) {
  return combine(&lake_model_crc64nvme, crc1, crc2, length2);
}

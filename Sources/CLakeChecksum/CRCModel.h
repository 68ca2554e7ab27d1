// Internal to CLakeChecksum: one reflected CRC (width, polynomial, tables and constants) and
// the arithmetic over it that the portable and the x86 paths share.
#ifndef LAKE_CRC_MODEL_H
#define LAKE_CRC_MODEL_H

#include <stddef.h>
#include <stdint.h>

/// A reflected CRC whose init and xorout are all ones (CRC32, CRC32C, CRC64NVME). Polynomials
/// are "reflected": bit i of a width-w value is the coefficient of x^(w-1-i), so the highest
/// power is bit 0 and x^w is implicit.
typedef struct lake_crc_model {
  unsigned width;           // 32 or 64
  uint64_t poly;            // reflected, without x^width
  uint64_t table[8][256];   // slicing-by-8: table[k][b] = b followed by k zero bytes
  // PCLMULQDQ constants, as 64-bit reflected values (bit i is x^(63-i)):
  // fold by D bits = {x^(D+63) mod P, x^(D-1) mod P} (the -1 makes up for the extra factor x
  // of a reflected carry-less product), for D = 512 (four lanes) and 128 (one lane).
  uint64_t fold512[2];
  uint64_t fold128[2];
  uint64_t barrett_mu;      // floor(x^2w / P) - x^w, reflected in w bits
} lake_crc_model;

extern lake_crc_model lake_model_crc32;
extern lake_crc_model lake_model_crc32c;
extern lake_crc_model lake_model_crc64nvme;

/// Builds the tables and constants of `model` for `width` and reflected `poly`.
void lake_crc_model_init(lake_crc_model *model, unsigned width, uint64_t poly);

/// The raw (not inverted) register after `data`, by slicing-by-8.
uint64_t lake_crc_portable_update(const lake_crc_model *model, uint64_t crc, const uint8_t *data,
                                  size_t length);

/// a(x) * b(x) mod P, both reflected in `model->width` bits.
uint64_t lake_crc_multiply(const lake_crc_model *model, uint64_t a, uint64_t b);

/// x^(8 * bytes) mod P, reflected in `model->width` bits.
uint64_t lake_crc_x_to_8n(const lake_crc_model *model, uint64_t bytes);

/// x^n mod P, reflected in `model->width` bits.
uint64_t lake_crc_x_to(const lake_crc_model *model, uint64_t n);

/// Sets up the x86 fast paths (CPU detection, CRC32C shift tables); called once after the
/// models are built. Returns the bit set of `lake_checksum_accelerated()`.
unsigned lake_crc_x86_init(void);

/// The fast paths; only called when `lake_crc_x86_init()` said so. Raw registers in and out.
uint64_t lake_crc_fold_pclmul(const lake_crc_model *model, uint64_t crc, const uint8_t *data,
                              size_t length);
uint32_t lake_crc32c_sse42(uint32_t crc, const uint8_t *data, size_t length);

#endif

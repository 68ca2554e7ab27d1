// CLakeChecksum: the CRCs of S3's additional checksums (CRC32, CRC32C, CRC64NVME), with
// hardware paths chosen at run time and a portable slicing-by-8 path for every other CPU.
//
// Conventions: every CRC function takes the CRC of the bytes before `data` (0 for none) and
// returns the CRC of them followed by `data`, like zlib's crc32(). Values are the final ones
// (pre- and post-inverted: init and xorout all ones for all three), so they chain across calls
// and the empty input gives 0. `data` may be NULL when `length` is 0. All functions are pure
// and thread-safe; the tables they use are built by a constructor before main().
#ifndef CLAKECHECKSUM_H
#define CLAKECHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CRC-32/ISO-HDLC (zlib, gzip, S3's CRC32): reflected polynomial 0xEDB88320.
uint32_t lake_crc32(uint32_t crc, const void *data, size_t length);

/// CRC-32C (Castagnoli, iSCSI, S3's CRC32C): reflected polynomial 0x82F63B78.
uint32_t lake_crc32c(uint32_t crc, const void *data, size_t length);

/// CRC-64/NVME (S3's CRC64NVME): reflected polynomial 0x9A6C9329AC4BC9B5.
uint64_t lake_crc64nvme(uint64_t crc, const void *data, size_t length);

/// The portable slicing-by-8 versions of the three, used on CPUs without the instructions
/// the fast paths need. Exposed so that tests can compare them with the fast paths.
uint32_t lake_crc32_portable(uint32_t crc, const void *data, size_t length);
uint32_t lake_crc32c_portable(uint32_t crc, const void *data, size_t length);
uint64_t lake_crc64nvme_portable(uint64_t crc, const void *data, size_t length);

/// The CRC of A followed by B from crc(A), crc(B) and B's length, like zlib's
/// crc32_combine(). Runs in O(log length2) multiplications of polynomials mod P.
uint32_t lake_crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t length2);
uint32_t lake_crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t length2);
uint64_t lake_crc64nvme_combine(uint64_t crc1, uint64_t crc2, uint64_t length2);

/// Bit set of the hardware paths in use on this CPU: 1 CRC32 (PCLMULQDQ folding),
/// 2 CRC32C (SSE4.2 crc32 instruction), 4 CRC64NVME (PCLMULQDQ folding). 0 means portable.
unsigned lake_checksum_accelerated(void);

#ifdef __cplusplus
}
#endif

#endif

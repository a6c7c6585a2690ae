/* SPDX-License-Identifier: MIT */
/*
 * svm-edu hardware interface: PCI identity, BAR0 register map, MSI-X
 * vectors and every structure the device reads from or writes to guest
 * memory.
 *
 * This header is the single definition of the interface. The QEMU device,
 * the Linux driver, guest user space and the tests all include it. Layouts
 * are fixed-width and little-endian; no bitfields. docs/hw-spec.md is the
 * prose form and a unit test checks that the two agree.
 */
#ifndef SVM_EDU_HW_H
#define SVM_EDU_HW_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * The structures below are little-endian in guest memory. The kernel
 * converts with its own le64_to_cpu() and friends; the device and user
 * space with these.
 */
#ifndef __KERNEL__
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SVM_EDU_LE16(v)			__builtin_bswap16(v)
#define SVM_EDU_LE32(v)			__builtin_bswap32(v)
#define SVM_EDU_LE64(v)			__builtin_bswap64(v)
#else
#define SVM_EDU_LE16(v)			(v)
#define SVM_EDU_LE32(v)			(v)
#define SVM_EDU_LE64(v)			(v)
#endif
static inline uint16_t svm_edu_le16_to_cpu(uint16_t v) { return SVM_EDU_LE16(v); }
static inline uint32_t svm_edu_le32_to_cpu(uint32_t v) { return SVM_EDU_LE32(v); }
static inline uint64_t svm_edu_le64_to_cpu(uint64_t v) { return SVM_EDU_LE64(v); }
static inline uint16_t svm_edu_cpu_to_le16(uint16_t v) { return SVM_EDU_LE16(v); }
static inline uint32_t svm_edu_cpu_to_le32(uint32_t v) { return SVM_EDU_LE32(v); }
static inline uint64_t svm_edu_cpu_to_le64(uint64_t v) { return SVM_EDU_LE64(v); }
#endif /* !__KERNEL__ */

/* PCI identity */
#define SVM_EDU_PCI_VENDOR_ID		0x1234
#define SVM_EDU_PCI_DEVICE_ID		0x5356
#define SVM_EDU_PCI_REVISION		0x01
/* PCI class: "other system peripheral" (0x0880) */
#define SVM_EDU_PCI_CLASS		0x0880

/* BARs */
#define SVM_EDU_BAR_REGS		0	/* 64-bit memory BAR, registers */
#define SVM_EDU_BAR_MSIX		2	/* MSI-X table and PBA */
#define SVM_EDU_BAR0_SIZE		0x4000

/* Value of SVM_EDU_REG_ID: "SVME" in ASCII, least significant byte first */
#define SVM_EDU_ID_MAGIC		0x454d5653u

/* Interface version: major in bits 31:16, minor in bits 15:0 */
#define SVM_EDU_VERSION_MAJOR		1
#define SVM_EDU_VERSION_MINOR		2
#define SVM_EDU_VERSION \
	((SVM_EDU_VERSION_MAJOR << 16) | SVM_EDU_VERSION_MINOR)

/*
 * BAR0 register map. Registers are 32 or 64 bits wide, naturally aligned.
 * 32-bit registers take 4-byte accesses; an 8-byte read at an 8-byte aligned
 * offset returns the pair of registers there. 64-bit registers take one
 * 8-byte access or two 4-byte accesses. Reads of unassigned offsets return 0;
 * anything else that breaks these rules sets SVM_EDU_ERR_BAD_ACCESS.
 */
/* Identification and control */
#define SVM_EDU_REG_ID			0x000	/* RO 32: SVM_EDU_ID_MAGIC */
#define SVM_EDU_REG_VERSION		0x004	/* RO 32: SVM_EDU_VERSION */
#define SVM_EDU_REG_CAP			0x008	/* RO 64: SVM_EDU_CAP_* */
#define SVM_EDU_REG_IOTLB_GEOM		0x010	/* RO 32: entries and ways */
#define SVM_EDU_REG_MSIX_VECS		0x014	/* RO 32: number of vectors */
#define SVM_EDU_REG_SCRATCH		0x018	/* RW 32: no side effect */
#define SVM_EDU_REG_CTRL		0x020	/* RW 32: SVM_EDU_CTRL_* */
#define SVM_EDU_REG_STATUS		0x024	/* RO 32: SVM_EDU_STATUS_* */
#define SVM_EDU_REG_ERROR		0x028	/* RW1C 32: SVM_EDU_ERR_* */
#define SVM_EDU_REG_IRQ_TEST		0x02c	/* WO 32: raise vector N */
#define SVM_EDU_REG_STALE_POLICY	0x030	/* RW 32: SVM_EDU_STALE_* */
#define SVM_EDU_REG_COUNTER_RESET	0x034	/* WO 32: 1 zeroes counters */
#define SVM_EDU_REG_DMA_THROTTLE	0x038	/* RW 32: us between chunks */
/* PASID table */
#define SVM_EDU_REG_PASID_TABLE		0x100	/* RW 64: guest-physical */
#define SVM_EDU_REG_PASID_ENTRIES	0x108	/* RW 32: entries in table */
/* Submission ring */
#define SVM_EDU_REG_SQ_BASE		0x200	/* RW 64: guest-physical */
#define SVM_EDU_REG_SQ_SIZE		0x208	/* RW 32: entries, 2^n */
#define SVM_EDU_REG_SQ_TAIL		0x20c	/* RW 32: doorbell */
#define SVM_EDU_REG_SQ_HEAD		0x210	/* RO 32: next to consume */
#define SVM_EDU_REG_SQ_ERR_INDEX	0x214	/* RO 32: last failed desc */
/* Invalidation: register interface (synchronous) */
#define SVM_EDU_REG_INV_ADDR		0x300	/* RW 64: address operand */
#define SVM_EDU_REG_INV_PASID		0x308	/* RW 32: PASID operand */
#define SVM_EDU_REG_INV_CMD		0x30c	/* WO 32: type | order, runs it */
/* Invalidation queue */
#define SVM_EDU_REG_IQ_BASE		0x310	/* RW 64: guest-physical */
#define SVM_EDU_REG_IQ_SIZE		0x318	/* RW 32: entries, 2^n */
#define SVM_EDU_REG_IQ_TAIL		0x31c	/* RW 32: doorbell */
#define SVM_EDU_REG_IQ_HEAD		0x320	/* RO 32: next to consume */
#define SVM_EDU_REG_IQ_ERR_INDEX	0x324	/* RO 32: last bad desc */
/* Page requests (device faults) */
#define SVM_EDU_REG_PRQ_BASE		0x380	/* RW 64: guest-physical */
#define SVM_EDU_REG_PRQ_SIZE		0x388	/* RW 32: entries, 2^n */
#define SVM_EDU_REG_PRQ_TAIL		0x38c	/* RO 32: device produces */
#define SVM_EDU_REG_PRQ_HEAD		0x390	/* RW 32: driver consumes */
#define SVM_EDU_REG_PRQ_RESP		0x398	/* WO 64: id | code << 32 */
/* IOTLB probe */
#define SVM_EDU_REG_PROBE_ADDR		0x500	/* RW 64: virtual address */
#define SVM_EDU_REG_PROBE_PASID		0x508	/* RW 32: PASID */
#define SVM_EDU_REG_PROBE_RESULT	0x510	/* RO 64: SVM_EDU_PROBE_* */
/* Stale-translation log */
#define SVM_EDU_REG_STALE_COUNT		0x600	/* RO 32: events since reset */
#define SVM_EDU_REG_STALE_LOG_SIZE	0x604	/* RO 32: log entries */
#define SVM_EDU_REG_STALE_LOG		0x700	/* RO: SVM_EDU_STALE_LOG_* */
/* Counters: 64-bit, RO, SVM_EDU_CNT_* at SVM_EDU_REG_COUNTERS + 8 * n */
#define SVM_EDU_REG_COUNTERS		0x400

/*
 * SVM_EDU_REG_CAP: PASID width in bits 4:0, then bits X(ID, bit, "name"),
 * listed in the order they were added (svmctl list prints them so).
 */
#define SVM_EDU_CAP_PASID_BITS_MASK	0x1full		/* bits 4:0 */
#define SVM_EDU_CAPS(X) \
	X(LA57, 8, "5-level")			/* 5-level walks */ \
	X(PG1G, 9, "1G pages")			/* 1 GiB leaves */ \
	X(IOTLB, 10, "iotlb") \
	X(STALE_CHECK, 11, "stale-checker") \
	X(INV_QUEUE, 12, "inv-queue") \
	X(DMA, 13, "dma") \
	X(PRQ, 14, "page-requests")		/* page requests */ \
	X(BIND_GEN, 15, "binding-generations")	/* binding generations */ \
	X(WALK_CACHE, 16, "walk-cache")		/* paging-structure cache */ \
	X(SHADOW, 7, "shadow-tables")		/* PE_SHADOW, CROOT (1.2) */

#define SVM_EDU_CAP_ENUM_(id, bit, name)	SVM_EDU_CAP_##id = 1u << (bit),
enum svm_edu_cap { SVM_EDU_CAPS(SVM_EDU_CAP_ENUM_) };
#undef SVM_EDU_CAP_ENUM_

/*
 * With SVM_EDU_CAP_WALK_CACHE, CAP also gives the walk cache's geometry:
 * how many upper levels it caches, counted from the PDE up (1: PDEs; 4:
 * PDEs, PDPTEs, PML4Es and PML5Es), and its entries.
 */
#define SVM_EDU_CAP_WC_LEVELS(v)	(((v) >> 17) & 0x7u)	/* bits 19:17 */
#define SVM_EDU_CAP_WC_ENTRIES(v)	(((v) >> 20) & 0xfffu)	/* bits 31:20 */
#define SVM_EDU_WC_MAX_ENTRIES		4095

/* SVM_EDU_REG_IOTLB_GEOM fields */
#define SVM_EDU_IOTLB_GEOM_ENTRIES(v)	((v) & 0xffffu)
#define SVM_EDU_IOTLB_GEOM_WAYS(v)	(((v) >> 16) & 0xffu)

/* SVM_EDU_REG_CTRL bits */
#define SVM_EDU_CTRL_ENABLE		(1u << 0)	/* DMA and queues run */
#define SVM_EDU_CTRL_RESET		(1u << 31)	/* self-clearing */

/* SVM_EDU_REG_STATUS bits */
#define SVM_EDU_STATUS_ENABLED		(1u << 0)
#define SVM_EDU_STATUS_DMA_BUSY		(1u << 1)	/* descriptors pending */

/*
 * Name lists. Each list below is the one definition of a set of names: the
 * enum here, the device, the driver's sysfs/debugfs, libsvmedu, svmctl and
 * the tests expand it, and tests/unit/test_names.c checks the docs' tables
 * against it. An entry is X(ID, ...): SVM_EDU_<kind>_<ID> is the constant;
 * a name, where the list has one, is what sysfs, debugfs, logs and user
 * space call it (a bare word where it is a file name, else a string).
 */

/* SVM_EDU_REG_ERROR bits (X(ID, bit)): sticky until written back as 1 */
#define SVM_EDU_ERRORS(X) \
	X(BAD_ACCESS, 0)		/* bad size/offset */ \
	X(BAD_VECTOR, 1)		/* IRQ_TEST range */ \
	X(SQ_CONFIG, 2)			/* bad ring setup/tail */ \
	X(SQ_FETCH, 3)			/* ring not in RAM */ \
	X(DESC, 4)			/* a descriptor failed */ \
	X(COMPLETION, 5)		/* record not written */ \
	X(IQ_CONFIG, 6)			/* bad queue setup/tail */ \
	X(IQ_DESC, 7)			/* bad inv. descriptor */ \
	X(PASID_TABLE, 8)		/* entry not readable */ \
	X(PRQ_OVERFLOW, 9)		/* no room for a request */ \
	X(PRQ_RESP, 10)			/* response never asked */

#define SVM_EDU_ERR_ENUM_(id, bit)	SVM_EDU_ERR_##id = 1u << (bit),
enum svm_edu_error { SVM_EDU_ERRORS(SVM_EDU_ERR_ENUM_) };
#undef SVM_EDU_ERR_ENUM_

/* SVM_EDU_REG_STALE_POLICY values (X(ID, value, "name")) */
#define SVM_EDU_STALE_POLICIES(X) \
	X(OFF, 0, "off")		/* no checking */ \
	X(REPORT, 1, "report")		/* log, then use the fresh one */ \
	X(ABORT, 2, "abort")		/* log, fail the descriptor */ \
	X(USE, 3, "use-stale")		/* log, use the stale one */

#define SVM_EDU_STALE_ENUM_(id, val, name)	SVM_EDU_STALE_##id = (val),
enum svm_edu_stale_policy {
	SVM_EDU_STALE_POLICIES(SVM_EDU_STALE_ENUM_)
	SVM_EDU_NR_STALE_POLICIES
};
#undef SVM_EDU_STALE_ENUM_

/* SVM_EDU_REG_PROBE_RESULT fields */
#define SVM_EDU_PROBE_HIT		(1ull << 0)
#define SVM_EDU_PROBE_WRITABLE		(1ull << 1)
#define SVM_EDU_PROBE_SIZE_SHIFT	2	/* bits 3:2: SVM_EDU_PGSZ_* */
#define SVM_EDU_PROBE_SIZE_MASK		(3ull << 2)
#define SVM_EDU_PROBE_PA_MASK		0x000ffffffffff000ull

/* Page sizes as encoded in the probe result and the stale log */
#define SVM_EDU_PGSZ_4K			0
#define SVM_EDU_PGSZ_2M			1
#define SVM_EDU_PGSZ_1G			2

/*
 * Stale log: SVM_EDU_STALE_LOG_ENTRIES entries of 32 bytes from
 * SVM_EDU_REG_STALE_LOG, event n (counting from 0 since reset) in entry
 * n % SVM_EDU_STALE_LOG_ENTRIES.
 */
#define SVM_EDU_STALE_LOG_ENTRIES	16
#define SVM_EDU_STALE_LOG_STRIDE	32
#define SVM_EDU_STALE_LOG_PASID		0x00	/* 32: PASID */
#define SVM_EDU_STALE_LOG_INFO		0x04	/* 32: SVM_EDU_STALE_INFO_* */
#define SVM_EDU_STALE_LOG_VA		0x08	/* 64: virtual address */
#define SVM_EDU_STALE_LOG_CACHED_PA	0x10	/* 64: PA the IOTLB held */
#define SVM_EDU_STALE_LOG_FRESH_PA	0x18	/* 64: PA now, or ~0 */
/*
 * Stale log info bits, X(ID, bit, "name"). HELD: a translation the engine
 * held outside the IOTLB (a chunk's source or destination, the completion
 * record's address) used after an invalidation covering it had completed.
 * ENDED: an access for a binding that has ended: the descriptor's (or page
 * request's) generation is not the PASID entry's any more. WALK: a walk
 * that started from a walk-cache (upper-level) entry came out otherwise
 * than a walk from the root: CACHED_PA is what it gave, FRESH_PA what the
 * table gives now (~0: a fault).
 */
#define SVM_EDU_STALE_INFO_BITS(X) \
	X(WRITE, 0, "write")			/* access was a write */ \
	X(NOT_PRESENT, 1, "not-present")	/* now not mapped */ \
	X(OTHER_FRAME, 2, "other-frame")	/* now another frame */ \
	X(FEWER_RIGHTS, 3, "fewer-rights")	/* access not allowed */ \
	X(CLEAN, 4, "clean")			/* write, D now clear */ \
	X(HELD, 5, "held") \
	X(ENDED, 6, "ended") \
	X(WALK, 7, "walk")			/* a walk-cache entry */

#define SVM_EDU_STALE_INFO_ENUM_(id, bit, name) \
	SVM_EDU_STALE_INFO_##id = 1u << (bit),
enum svm_edu_stale_info { SVM_EDU_STALE_INFO_BITS(SVM_EDU_STALE_INFO_ENUM_) };
#undef SVM_EDU_STALE_INFO_ENUM_

#define SVM_EDU_STALE_NOT_PRESENT_PA	(~0ull)

/*
 * Counters (X(ID, name)): counter SVM_EDU_CNT_<ID> is at
 * SVM_EDU_REG_COUNTERS + 8 * n, n its place in this list; sysfs
 * hw_counters/<name>.
 */
#define SVM_EDU_COUNTERS(X) \
	X(DESCRIPTORS, descriptors)	/* descriptors completed */ \
	X(BYTES, bytes)			/* bytes processed by DMA */ \
	X(IOTLB_HITS, iotlb_hits) \
	X(IOTLB_MISSES, iotlb_misses) \
	X(IOTLB_EVICTIONS, iotlb_evictions) \
	X(WALKS, walks)			/* page walks started */ \
	X(PTE_READS, pte_reads)		/* paging-entry reads */ \
	X(AD_UPDATES, ad_updates)	/* A/D bits set by cmpxchg */ \
	X(INV_PAGE, inv_page)		/* invalidation commands ... */ \
	X(INV_PASID, inv_pasid) \
	X(INV_GLOBAL, inv_global) \
	X(INV_PASID_CACHE, inv_pasid_cache) \
	X(INV_DRAIN, inv_drain) \
	X(INV_WAIT, inv_wait) \
	X(INV_DROPPED, inv_dropped)	/* IOTLB entries dropped by them */ \
	X(FAULT_NOT_PRESENT, fault_not_present) \
	X(FAULT_PERM, fault_perm)	/* write-protect, supervisor */ \
	X(FAULT_BAD, fault_bad)		/* reserved bit, non-canonical, bus */ \
	X(FAULT_REWALK, fault_rewalk)	/* fault on a cached entry: re-walk */ \
	X(PAGE_REQUESTS, page_requests) \
	X(STALE, stale)			/* stale-translation accesses */ \
	X(BUSY_NS, busy_ns)		/* host ns spent on descriptors */ \
	X(DESC_ERRORS, desc_errors)	/* descriptors not successful */ \
	X(INV_DESCS, inv_descs)		/* invalidation descriptors */ \
	X(PAGE_RESP_OK, page_resp_ok)	/* page responses: success */ \
	X(PAGE_RESP_FAIL, page_resp_fail)	/* page responses: failure */ \
	X(PRQ_OVERFLOWS, prq_overflows)	/* faults with the PRQ full */ \
	X(INV_BUSY_NS, inv_busy_ns)	/* host ns spent invalidating */ \
	X(DESC_ABORTED, desc_aborted)	/* binding ended: not executed */ \
	X(PRQ_WAIT_NS, prq_wait_ns)	/* host ns page requests waited */ \
	X(WALK_CACHE_HITS, walk_cache_hits)	/* walks started from it */ \
	X(WALK_CACHE_STALE, walk_cache_stale)	/* stale walk-cache uses */

#define SVM_EDU_CNT_ENUM_(id, name)	SVM_EDU_CNT_##id,
enum svm_edu_counter {
	SVM_EDU_COUNTERS(SVM_EDU_CNT_ENUM_)
	SVM_EDU_NR_COUNTERS
};
#undef SVM_EDU_CNT_ENUM_

/* MSI-X vectors */
#define SVM_EDU_VEC_DMA_DONE		0
#define SVM_EDU_VEC_INV_WAIT		1
#define SVM_EDU_VEC_PAGE_REQ		2
#define SVM_EDU_VEC_ERROR		3
#define SVM_EDU_NR_VECTORS		4

/*
 * PASID table entry (32 bytes), at PASID_TABLE + 32 * PASID: struct
 * svm_edu_pasid_entry, whose fields are at the SVM_EDU_PE_* offsets.
 */
#define SVM_EDU_PASID_ENTRY_SIZE	32
struct svm_edu_pasid_entry {
	uint64_t flags;		/* SVM_EDU_PE_* */
	uint64_t pgd;		/* root table physical (SVM_EDU_PE_PGD_MASK) */
	uint32_t gen;		/* binding generation */
	uint32_t rsvd0;
	uint64_t croot;		/* SHADOW: the checker's root (process's) */
};

#define SVM_EDU_PE_FLAGS		0x00	/* 64: SVM_EDU_PE_* */
#define SVM_EDU_PE_PGD			0x08	/* 64: root table physical */
/*
 * 32: the binding's generation, chosen by the driver each time it binds
 * the PASID to an address space (never the previous binding's). Stamped
 * into descriptors and page requests; see SVM_EDU_CAP_BIND_GEN.
 */
#define SVM_EDU_PE_GEN			0x10
/*
 * 64: with SVM_EDU_PE_SHADOW (SVM_EDU_CAP_SHADOW), the root of the
 * process's own table: PGD is then a driver-owned shadow table the device
 * walks, and the stale checker judges every use of a translation against
 * CROOT instead. Reserved (0) otherwise.
 */
#define SVM_EDU_PE_CROOT		0x18
#define SVM_EDU_PE_VALID		(1ull << 0)
#define SVM_EDU_PE_LA57			(1ull << 1)	/* 5-level table */
#define SVM_EDU_PE_WRITE		(1ull << 2)	/* writes allowed */
#define SVM_EDU_PE_AD			(1ull << 3)	/* set A/D bits */
#define SVM_EDU_PE_FPD			(1ull << 4)	/* blocked, silent */
#define SVM_EDU_PE_SHADOW		(1ull << 5)	/* PGD is a shadow */
#define SVM_EDU_PE_FLAGS_MASK		0x3full
#define SVM_EDU_PE_PGD_MASK		0x000ffffffffff000ull

/*
 * Submission descriptor (64 bytes). Reserved fields must be zero.
 */
#define SVM_EDU_DESC_SIZE		64
struct svm_edu_desc {
	uint16_t opcode;	/* SVM_EDU_OP_* */
	uint16_t flags;		/* SVM_EDU_DESC_F_* */
	uint32_t pasid;		/* written by the driver, never by users */
	uint64_t src;		/* source VA (COPY, COMPARE) */
	uint64_t dst;		/* destination VA (COPY, FILL, COMPARE) */
	uint32_t len;		/* bytes, 1 .. SVM_EDU_DESC_MAX_LEN */
	uint32_t bind_gen;	/* driver: PASID entry's generation at submit */
	uint64_t pattern;	/* FILL: 8-byte pattern */
	uint64_t completion;	/* VA of the completion record */
	uint64_t cookie;	/* copied into the completion record */
	uint64_t rsvd1;
};

#define SVM_EDU_OP_NOP			0
#define SVM_EDU_OP_COPY			1
#define SVM_EDU_OP_FILL			2
#define SVM_EDU_OP_COMPARE		3

#define SVM_EDU_DESC_F_IRQ		(1u << 0)	/* DMA_DONE vector */
#define SVM_EDU_DESC_F_RECORD		(1u << 1)	/* write completion */
#define SVM_EDU_DESC_F_BLOCK_ON_FAULT	(1u << 2)	/* page requests */
#define SVM_EDU_DESC_F_MASK		0x0007u		/* accepted flags */

#define SVM_EDU_DESC_MAX_LEN		(1u << 30)
#define SVM_EDU_THROTTLE_MAX_US		10000	/* DMA_THROTTLE limit */

/*
 * Completion record (32 bytes), written through the PASID's translation at
 * desc.completion, which must be 32-byte aligned. The status byte is
 * written last.
 */
#define SVM_EDU_COMPLETION_SIZE		32
#define SVM_EDU_COMPLETION_ALIGN	32
struct svm_edu_completion {
	uint8_t status;		/* SVM_EDU_CS_*; 0 until written */
	uint8_t fault_info;	/* SVM_EDU_FAULT_* when status is a fault */
	uint8_t result;		/* COMPARE: 0 equal, 1 different */
	uint8_t rsvd0;
	uint32_t bytes_completed; /* COMPARE mismatch: offset of the first */
	uint64_t fault_addr;	/* VA that faulted */
	uint64_t cookie;	/* desc.cookie */
	uint64_t rsvd1;
};

/* Completion statuses (X(ID, value, "name")) */
#define SVM_EDU_COMPLETION_STATUSES(X) \
	X(NONE, 0, "none")		/* not written yet */ \
	X(SUCCESS, 1, "success") \
	X(PAGE_FAULT, 2, "page-fault")	/* not present */ \
	X(PERM_FAULT, 3, "permission-fault")	/* write-protected, supervisor */ \
	X(INVALID_DESC, 4, "invalid-descriptor") \
	X(PASID_INVALID, 5, "pasid-invalid")	/* entry invalid, FPD, range */ \
	X(STALE_ABORT, 6, "stale-abort")	/* checker policy abort */ \
	/* reserved bit, non-canonical, table not in RAM */ \
	X(TRANSLATION_ERROR, 7, "translation-error") \
	X(MEMORY_ERROR, 8, "memory-error")	/* translated PA not RAM */ \
	/* binding ended before it ran: nothing accessed, no record */ \
	X(ABORTED, 9, "aborted")		/* written (SQ_ERR_INDEX) */

#define SVM_EDU_CS_ENUM_(id, val, name)	SVM_EDU_CS_##id = (val),
enum svm_edu_completion_status {
	SVM_EDU_COMPLETION_STATUSES(SVM_EDU_CS_ENUM_)
	SVM_EDU_NR_COMPLETION_STATUSES
};
#undef SVM_EDU_CS_ENUM_

/* fault_info bits */
#define SVM_EDU_FAULT_WRITE		(1u << 0)	/* a write faulted */
#define SVM_EDU_FAULT_NOT_PRESENT	(1u << 1)
#define SVM_EDU_FAULT_WRITE_PROTECT	(1u << 2)
#define SVM_EDU_FAULT_SUPERVISOR	(1u << 3)
#define SVM_EDU_FAULT_RESERVED		(1u << 4)
#define SVM_EDU_FAULT_NON_CANONICAL	(1u << 5)
#define SVM_EDU_FAULT_BAD_TABLE		(1u << 6)	/* table not RAM */

/*
 * Invalidation: SVM_EDU_REG_INV_CMD and queue descriptors share the type
 * and order encoding.
 */
#define SVM_EDU_INV_PAGE		1	/* PASID, ADDR, 2^order pages */
#define SVM_EDU_INV_PASID		2	/* every entry of PASID */
#define SVM_EDU_INV_GLOBAL		3	/* every entry */
#define SVM_EDU_INV_PASID_CACHE		4	/* cached PASID entry (or all) */
#define SVM_EDU_INV_DRAIN		5	/* wait for PASID's DMA chunk */
#define SVM_EDU_INV_WAIT		6	/* queue only: status write */
#define SVM_EDU_INV_CMD_TYPE(v)		((v) & 0xffu)
#define SVM_EDU_INV_CMD_ORDER(v)	(((v) >> 8) & 0x3fu)
#define SVM_EDU_INV_CMD_ALL_PASIDS	(1u << 16)	/* PASID_CACHE */
/*
 * PAGE: drop leaf (IOTLB) entries only, keep the walk cache's (VT-d's
 * invalidation hint): only when no page-table page of the range was freed
 * or replaced. Without it a PAGE command also drops every walk-cache entry
 * whose region overlaps the range.
 */
#define SVM_EDU_INV_CMD_LEAF_ONLY	(1u << 19)
#define SVM_EDU_INV_ORDER_MAX		36		/* 2^36 pages */

/* Invalidation queue descriptor (32 bytes) */
#define SVM_EDU_INV_DESC_SIZE		32
struct svm_edu_inv_desc {
	uint32_t cmd;		/* type | order << 8 | flags, as INV_CMD */
	uint32_t pasid;
	uint64_t addr;		/* PAGE: VA; WAIT: status guest-physical */
	uint32_t data;		/* WAIT: value written at addr */
	uint32_t rsvd0;
	uint64_t rsvd1;
};

/*
 * Page request (32 bytes), written by the device at PRQ_BASE + 32 * tail.
 * The driver answers through PRQ_RESP with the request's id.
 */
#define SVM_EDU_PRQ_ENTRY_SIZE		32
struct svm_edu_page_req {
	uint32_t id;		/* echoed in the response */
	uint32_t pasid;
	uint64_t addr;		/* the faulting virtual address */
	uint32_t flags;		/* SVM_EDU_PRQ_F_* */
	uint32_t bind_gen;	/* the descriptor's bind_gen */
	uint32_t npages;	/* the group: pages from addr on (0, 1: one) */
	uint32_t rsvd1;
};

/* The most pages one page-request group asks for (the device's prq-group). */
#define SVM_EDU_PRQ_GROUP_MAX		64

#define SVM_EDU_PRQ_F_WRITE		(1u << 0)	/* a write faulted */
/* Page response codes (X(ID, value, "name")) */
#define SVM_EDU_PRQ_RESP_CODES(X) \
	X(SUCCESS, 0, "success")	/* retry the access */ \
	X(FAILURE, 1, "failure")	/* complete with the fault */

#define SVM_EDU_PRQ_RESP_ENUM_(id, val, name)	SVM_EDU_PRQ_RESP_##id = (val),
enum svm_edu_prq_resp_code {
	SVM_EDU_PRQ_RESP_CODES(SVM_EDU_PRQ_RESP_ENUM_)
	SVM_EDU_NR_PRQ_RESP_CODES
};
#undef SVM_EDU_PRQ_RESP_ENUM_
#define SVM_EDU_PRQ_RESP(id, code)	((uint64_t)(id) | (uint64_t)(code) << 32)

#define SVM_EDU_INV_WAIT_IRQ		(1u << 17)	/* raise INV_WAIT */
#define SVM_EDU_INV_WAIT_STATUS		(1u << 18)	/* write data */

#endif /* SVM_EDU_HW_H */

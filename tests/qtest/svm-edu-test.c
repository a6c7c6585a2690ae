/*
 * QTest for the svm-edu device: register-level programming inside real QEMU.
 *
 * Page tables, the PASID table, the submission ring and the invalidation
 * queue are written straight into guest RAM; the device's DMA thread does
 * the rest while the test polls completion records.
 *
 * Built inside Debian's QEMU tree by the svm-edu project's
 * scripts/build-qemu.sh (it is symlinked into tests/qtest/).
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "standard-headers/linux/pci_regs.h"
#include "svm_edu_hw.h"

/* Guest-physical layout (64 MiB of RAM) */
#define PASID_TABLE 0x100000ull
#define SQ_BASE     0x101000ull     /* 64 descriptors */
#define IQ_BASE     0x102000ull     /* 64 descriptors */
#define WAIT_STATUS 0x103000ull
#define PT_POOL     0x200000ull
#define FRAMES      0x400000ull

#define PTE_P       (1ull << 0)
#define PTE_RW      (1ull << 1)
#define PTE_US      (1ull << 2)
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000ffffffffff000ull
#define USER_RW     (PTE_P | PTE_RW | PTE_US)

#define PRQ_BASE    0x104000ull     /* 16 page requests */

#define VA          0x7f0000000000ull
#define REC_VA      0x7f0000100000ull

typedef struct Fixture {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t pt_next;
    uint64_t frame_next;
    uint64_t root;
    uint32_t sq_tail;
    uint32_t iq_tail;
} Fixture;

static uint32_t rd32(Fixture *f, uint64_t reg)
{
    return qpci_io_readl(f->dev, f->bar, reg);
}

static uint64_t rd64(Fixture *f, uint64_t reg)
{
    return qpci_io_readq(f->dev, f->bar, reg);
}

static void wr32(Fixture *f, uint64_t reg, uint32_t v)
{
    qpci_io_writel(f->dev, f->bar, reg, v);
}

static void wr64(Fixture *f, uint64_t reg, uint64_t v)
{
    qpci_io_writeq(f->dev, f->bar, reg, v);
}

static uint64_t counter(Fixture *f, unsigned n)
{
    return rd64(f, SVM_EDU_REG_COUNTERS + 8 * n);
}

static uint64_t alloc_table(Fixture *f)
{
    uint64_t t = f->pt_next;

    f->pt_next += 4096;
    qtest_memset(f->qts, t, 0, 4096);
    return t;
}

static uint64_t alloc_frame(Fixture *f)
{
    uint64_t p = f->frame_next;

    f->frame_next += 4096;
    qtest_memset(f->qts, p, 0, 4096);
    return p;
}

/* Map a 4 KiB page; returns the guest-physical address of its PTE. */
static uint64_t map4k(Fixture *f, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t table = f->root;
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t at = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
        uint64_t e = qtest_readq(f->qts, at);

        if (!(e & PTE_P)) {
            e = alloc_table(f) | USER_RW;
            qtest_writeq(f->qts, at, e);
        }
        table = e & PTE_ADDR;
    }
    table += ((va >> 12) & 511) * 8;
    qtest_writeq(f->qts, table, pa | flags);
    return table;
}

/* The device's registers, as after probe (also after a CTRL.RESET). */
static void program(Fixture *f)
{
    wr64(f, SVM_EDU_REG_PASID_TABLE, PASID_TABLE);
    wr32(f, SVM_EDU_REG_PASID_ENTRIES, 64);
    wr64(f, SVM_EDU_REG_SQ_BASE, SQ_BASE);
    wr32(f, SVM_EDU_REG_SQ_SIZE, 64);
    wr64(f, SVM_EDU_REG_IQ_BASE, IQ_BASE);
    wr32(f, SVM_EDU_REG_IQ_SIZE, 64);
    wr32(f, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_ENABLE);
    f->sq_tail = 0;
    f->iq_tail = 0;
}

static void setup(Fixture *f, const char *extra)
{
    /* Firmware as Debian's seabios and qemu-system-data install it. */
    f->qts = qtest_initf("-machine q35 -nodefaults -m 64M "
                         "-L /usr/share/qemu -L /usr/share/seabios "
                         "-device svm-edu,addr=04.0%s",
                         extra);
    f->bus = qpci_new_pc(f->qts, NULL);
    f->dev = qpci_device_find(f->bus, QPCI_DEVFN(4, 0));
    g_assert(f->dev);
    qpci_device_enable(f->dev);
    f->bar = qpci_iomap(f->dev, SVM_EDU_BAR_REGS, NULL);
    f->pt_next = PT_POOL;
    f->frame_next = FRAMES;
    f->root = alloc_table(f);

    /* PASID 1: this address space, writable, A/D */
    qtest_memset(f->qts, PASID_TABLE, 0, 64 * SVM_EDU_PASID_ENTRY_SIZE);
    qtest_writeq(f->qts, PASID_TABLE + 32 + SVM_EDU_PE_FLAGS,
                 SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | SVM_EDU_PE_AD);
    qtest_writeq(f->qts, PASID_TABLE + 32 + SVM_EDU_PE_PGD, f->root);
    program(f);
    map4k(f, REC_VA, alloc_frame(f), USER_RW);
}

static void teardown(Fixture *f)
{
    g_free(f->dev);
    qpci_free_pc(f->bus);
    qtest_quit(f->qts);
}

static uint64_t rec_pa(Fixture *f)
{
    uint64_t table = f->root;
    int level;

    for (level = 4; level > 1; level--) {
        table = qtest_readq(f->qts, table +
                            ((REC_VA >> (12 + 9 * (level - 1))) & 511) * 8) &
                PTE_ADDR;
    }
    return qtest_readq(f->qts, table + ((REC_VA >> 12) & 511) * 8) & PTE_ADDR;
}

/*
 * The DMA runs on the device thread; give it up to 10 s. The device writes
 * the completion record before it moves SQ_HEAD past the descriptor.
 */
static void wait_idle(Fixture *f)
{
    int i;

    for (i = 0; i < 10000 && rd32(f, SVM_EDU_REG_SQ_HEAD) != f->sq_tail; i++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(rd32(f, SVM_EDU_REG_SQ_HEAD), ==, f->sq_tail);
}

/*
 * Queue one descriptor of PASID 1 with a completion record (and @flags)
 * for binding generation @gen, and ring the doorbell.
 */
static void queue_desc(Fixture *f, uint16_t op, uint16_t flags, uint64_t src,
                       uint64_t dst, uint32_t len, uint64_t pattern,
                       uint32_t gen)
{
    uint64_t at = SQ_BASE + f->sq_tail * SVM_EDU_DESC_SIZE;

    qtest_memset(f->qts, at, 0, SVM_EDU_DESC_SIZE);
    qtest_writew(f->qts, at + 0, op);
    qtest_writew(f->qts, at + 2, SVM_EDU_DESC_F_RECORD | flags);
    qtest_writel(f->qts, at + 4, 1);
    qtest_writeq(f->qts, at + 8, src);
    qtest_writeq(f->qts, at + 16, dst);
    qtest_writel(f->qts, at + 24, len);
    qtest_writel(f->qts, at + 28, gen);
    qtest_writeq(f->qts, at + 32, pattern);
    qtest_writeq(f->qts, at + 40, REC_VA);
    qtest_memset(f->qts, rec_pa(f), 0, SVM_EDU_COMPLETION_SIZE);
    f->sq_tail = (f->sq_tail + 1) % 64;
    wr32(f, SVM_EDU_REG_SQ_TAIL, f->sq_tail);
}

/* Submit one descriptor with a completion record; returns its status. */
static uint8_t submit_gen(Fixture *f, uint16_t op, uint64_t src, uint64_t dst,
                          uint32_t len, uint64_t pattern, uint32_t gen)
{
    queue_desc(f, op, 0, src, dst, len, pattern, gen);
    wait_idle(f);
    return qtest_readb(f->qts, rec_pa(f));
}

static uint8_t submit(Fixture *f, uint16_t op, uint64_t src, uint64_t dst,
                      uint32_t len, uint64_t pattern)
{
    return submit_gen(f, op, src, dst, len, pattern, 0);
}

/* Queue an invalidation followed by a WAIT; checks the WAIT completed. */
static void invalidate(Fixture *f, uint32_t cmd, uint64_t addr)
{
    static uint32_t token = 1;
    uint64_t at = IQ_BASE + f->iq_tail * SVM_EDU_INV_DESC_SIZE;

    qtest_memset(f->qts, at, 0, 2 * SVM_EDU_INV_DESC_SIZE);
    qtest_writel(f->qts, at, cmd);
    qtest_writel(f->qts, at + 4, 1);
    qtest_writeq(f->qts, at + 8, addr);
    at += SVM_EDU_INV_DESC_SIZE;
    qtest_writel(f->qts, at, SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS);
    qtest_writeq(f->qts, at + 8, WAIT_STATUS);
    qtest_writel(f->qts, at + 16, ++token);
    f->iq_tail = (f->iq_tail + 2) % 64;
    wr32(f, SVM_EDU_REG_IQ_TAIL, f->iq_tail);
    g_assert_cmpuint(qtest_readl(f->qts, WAIT_STATUS), ==, token);
}

static void test_ident(void)
{
    Fixture f;

    setup(&f, "");
    g_assert_cmphex(rd32(&f, SVM_EDU_REG_ID), ==, SVM_EDU_ID_MAGIC);
    g_assert_cmphex(rd32(&f, SVM_EDU_REG_VERSION), ==, SVM_EDU_VERSION);
    g_assert_cmphex(rd32(&f, SVM_EDU_REG_VERSION), ==, 0x00010002);
    g_assert_true(rd64(&f, SVM_EDU_REG_CAP) & SVM_EDU_CAP_DMA);
    g_assert_true(rd64(&f, SVM_EDU_REG_CAP) & SVM_EDU_CAP_BIND_GEN);
    g_assert_true(rd64(&f, SVM_EDU_REG_CAP) & SVM_EDU_CAP_SHADOW);
    g_assert_cmpuint(SVM_EDU_IOTLB_GEOM_ENTRIES(rd32(&f,
                                                     SVM_EDU_REG_IOTLB_GEOM)),
                     ==, 64);
    teardown(&f);
}

static void test_dma(void)
{
    Fixture f;
    uint8_t buf[8192], out[8192];
    uint64_t src[2], dst[2];
    int i;

    setup(&f, "");
    for (i = 0; i < 2; i++) {
        src[i] = alloc_frame(&f);
        dst[i] = alloc_frame(&f);
        map4k(&f, VA + i * 4096, src[i], USER_RW);
        map4k(&f, VA + 0x10000 + i * 4096, dst[i], USER_RW);
    }
    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 13 + 1;
    }
    qtest_memwrite(f.qts, src[0], buf, 4096);
    qtest_memwrite(f.qts, src[1], buf + 4096, 4096);

    g_assert_cmpuint(submit(&f, SVM_EDU_OP_COPY, VA + 10, VA + 0x10000 + 20,
                            8000, 0), ==, SVM_EDU_CS_SUCCESS);
    qtest_memread(f.qts, dst[0] + 20, out, 4076);
    qtest_memread(f.qts, dst[1], out + 4076, 8000 - 4076);
    g_assert_true(!memcmp(out, buf + 10, 8000));

    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA + 0x10000, 8192,
                            0x1122334455667788ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmphex(qtest_readq(f.qts, dst[1] + 4088), ==,
                    0x1122334455667788ull);

    g_assert_cmpuint(submit(&f, SVM_EDU_OP_COMPARE, VA + 0x10000,
                            VA + 0x10000, 8192, 0), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmpuint(qtest_readb(f.qts, rec_pa(&f) + 2), ==, 0);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_DESCRIPTORS), ==, 3);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 0);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_IOTLB_HITS), >, 0);
    /* the device set A and D in the guest's PTE */
    g_assert_true(qtest_readq(f.qts, map4k(&f, VA + 0x10000, dst[0],
                                          USER_RW | 0x60)) & 0x60);
    teardown(&f);
}

/*
 * A PTE changed without an invalidation: with the use-stale policy every
 * use of the cached entry is stale until the matching invalidation, and
 * none after it.
 */
static void test_stale_until_invalidation(void)
{
    Fixture f;
    uint64_t old, new, pte;
    int i;

    setup(&f, ",stale-check=use-stale");
    old = alloc_frame(&f);
    new = alloc_frame(&f);
    pte = map4k(&f, VA, old, USER_RW);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_STALE_POLICY), ==, SVM_EDU_STALE_USE);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                            0x1111111111111111ull), ==, SVM_EDU_CS_SUCCESS);
    qtest_writeq(f.qts, pte, new | USER_RW);
    for (i = 1; i <= 3; i++) {
        g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                                0x2222222222222222ull), ==, SVM_EDU_CS_SUCCESS);
        g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, i);
    }
    g_assert_cmphex(qtest_readq(f.qts, old), ==, 0x2222222222222222ull);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_VA),
                    ==, VA);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                         SVM_EDU_STALE_LOG_CACHED_PA), ==, old);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                         SVM_EDU_STALE_LOG_FRESH_PA), ==, new);

    invalidate(&f, SVM_EDU_INV_PAGE, VA);
    wr32(&f, SVM_EDU_REG_PROBE_PASID, 1);
    wr64(&f, SVM_EDU_REG_PROBE_ADDR, VA);
    g_assert_false(rd64(&f, SVM_EDU_REG_PROBE_RESULT) & SVM_EDU_PROBE_HIT);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                            0x3333333333333333ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 3);
    g_assert_cmphex(qtest_readq(f.qts, new), ==, 0x3333333333333333ull);
    g_assert_true(rd64(&f, SVM_EDU_REG_PROBE_RESULT) & SVM_EDU_PROBE_HIT);
    teardown(&f);
}

/* Address of the PDE of @va (the tables exist). */
static uint64_t pde_of(Fixture *f, uint64_t va)
{
    uint64_t table = f->root;
    int level;

    for (level = 4; level > 2; level--) {
        uint64_t at = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;

        table = qtest_readq(f->qts, at) & PTE_ADDR;
    }
    return table + ((va >> 21) & 511) * 8;
}

/*
 * The walk cache: CAP, hits, and a page table freed and replaced under a
 * cached PDE: a PAGE command over the range drops the PDE, a LEAF_ONLY one
 * leaves it and the next walk through it is a stale walk use.
 */
static void walk_cache_case(bool leaf_only)
{
    uint64_t va = VA + (1ull << 30), cap, pde, old_table, fresh;
    Fixture f;
    int i;

    setup(&f, "");
    cap = rd64(&f, SVM_EDU_REG_CAP);
    g_assert_true(cap & SVM_EDU_CAP_WALK_CACHE);
    g_assert_cmpuint(SVM_EDU_CAP_WC_LEVELS(cap), ==, 4);
    g_assert_cmpuint(SVM_EDU_CAP_WC_ENTRIES(cap), ==, 64);
    for (i = 0; i < 4; i++) {
        map4k(&f, va + i * 4096ull, alloc_frame(&f), USER_RW);
    }
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, va, 2 * 4096,
                            0x1111111111111111ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_WALK_CACHE_HITS), >=, 1);

    /* free_pgtables and a new mapping: another table, other frames */
    pde = pde_of(&f, va);
    old_table = qtest_readq(f.qts, pde) & PTE_ADDR;
    qtest_memset(f.qts, old_table, 0, 4096);
    qtest_writeq(f.qts, pde, 0);
    fresh = alloc_frame(&f);
    map4k(&f, va + 2 * 4096, fresh, USER_RW);
    invalidate(&f, SVM_EDU_INV_PAGE | 2 << 8 |
               (leaf_only ? SVM_EDU_INV_CMD_LEAF_ONLY : 0), va);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, va + 2 * 4096, 64,
                            0x2222222222222222ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmphex(qtest_readq(f.qts, fresh), ==, 0x2222222222222222ull);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_WALK_CACHE_STALE), ==, leaf_only);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, leaf_only);
    teardown(&f);
}

static void test_walk_cache(void)
{
    walk_cache_case(false);
}

static void test_walk_cache_leaf_only(void)
{
    walk_cache_case(true);
}

static void test_walk_cache_off(void)
{
    Fixture f;

    setup(&f, ",walk-cache-entries=0");
    g_assert_false(rd64(&f, SVM_EDU_REG_CAP) & SVM_EDU_CAP_WALK_CACHE);
    map4k(&f, VA, alloc_frame(&f), USER_RW);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64, 1), ==,
                     SVM_EDU_CS_SUCCESS);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_WALK_CACHE_HITS), ==, 0);
    teardown(&f);
}

/*
 * A shadow-mode entry (interface 1.2): the device walks the shadow at PGD,
 * the checker judges against the process's table at CROOT. The process
 * remaps the page; an invalidation flushes the IOTLB but the shadow keeps
 * the old entry (a driver that does not clear it): stale, and under the
 * report policy the DMA lands in the process's new frame.
 */
static void test_shadow(void)
{
    Fixture f;
    uint64_t old, new, proc, shadow, pte, rec;

    setup(&f, "");
    old = alloc_frame(&f);
    new = alloc_frame(&f);
    pte = map4k(&f, VA, old, USER_RW);
    rec = rec_pa(&f);
    proc = f.root;
    shadow = alloc_table(&f);
    f.root = shadow;
    map4k(&f, VA, old, USER_RW);
    map4k(&f, REC_VA, rec, USER_RW);
    f.root = proc;
    qtest_writeq(f.qts, PASID_TABLE + 32 + SVM_EDU_PE_PGD, shadow);
    qtest_writeq(f.qts, PASID_TABLE + 32 + SVM_EDU_PE_CROOT, proc);
    qtest_writeq(f.qts, PASID_TABLE + 32 + SVM_EDU_PE_FLAGS,
                 SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | SVM_EDU_PE_SHADOW);
    invalidate(&f, SVM_EDU_INV_PASID_CACHE, 0);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                            0x1111111111111111ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmphex(qtest_readq(f.qts, old), ==, 0x1111111111111111ull);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 0);

    qtest_writeq(f.qts, pte, new | USER_RW);
    invalidate(&f, SVM_EDU_INV_PAGE, VA);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                            0x2222222222222222ull), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 1);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                         SVM_EDU_STALE_LOG_CACHED_PA), ==, old);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                         SVM_EDU_STALE_LOG_FRESH_PA), ==, new);
    g_assert_cmphex(qtest_readq(f.qts, new), ==, 0x2222222222222222ull);
    g_assert_cmphex(qtest_readq(f.qts, old), ==, 0x1111111111111111ull);
    teardown(&f);
}

/* Malformed input everywhere: QEMU survives, status and ERROR say why. */
static void test_malformed(void)
{
    Fixture f;
    uint64_t bar_pa, pte, at;
    int i;

    setup(&f, "");
    bar_pa = (qpci_config_readl(f.dev, PCI_BASE_ADDRESS_0) & ~0xfull) |
             (uint64_t)qpci_config_readl(f.dev, PCI_BASE_ADDRESS_1) << 32;
    map4k(&f, VA, alloc_frame(&f), USER_RW);

    g_assert_cmpuint(submit(&f, 77, 0, VA, 8, 0), ==, SVM_EDU_CS_INVALID_DESC);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 0, 0), ==,
                     SVM_EDU_CS_INVALID_DESC);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_DESC);

    /* 1- and 2-byte register accesses */
    qpci_io_readb(f.dev, f.bar, SVM_EDU_REG_ID);
    qpci_io_writew(f.dev, f.bar, SVM_EDU_REG_SCRATCH, 0xffff);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_BAD_ACCESS);
    wr32(&f, SVM_EDU_REG_ERROR, ~0u);

    /* page table pointing into the device's own BAR */
    pte = map4k(&f, VA + 4096, 0, USER_RW);
    at = pte & ~0xfffull;
    qtest_writeq(f.qts, f.root + ((VA >> 39) & 511) * 8, bar_pa | USER_RW);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA + 0x200000000ull, 8, 0),
                     ==, SVM_EDU_CS_NONE);  /* record is unreachable too */
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_COMPLETION);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_FAULT_BAD), >, 0);
    (void)at;
    teardown(&f);

    /*
     * Self-referencing table: the walk is bounded by the level count and,
     * as on a CPU, the recursive slot maps the root table itself.
     */
    setup(&f, "");
    qtest_writeq(f.qts, f.root + 511 * 8, f.root | USER_RW);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_COPY, 0xfffffffffffff000ull,
                            REC_VA + 64, 8, 0), ==, SVM_EDU_CS_SUCCESS);
    g_assert_cmphex(qtest_readq(f.qts, rec_pa(&f) + 64), ==,
                    qtest_readq(f.qts, f.root));
    /* a huge FILL stops at the first unmapped page */
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, REC_VA + 2048,
                            SVM_EDU_DESC_MAX_LEN, 0), ==,
                     SVM_EDU_CS_PAGE_FAULT);
    g_assert_cmpuint(qtest_readl(f.qts, rec_pa(&f) + 4), ==, 2048);

    /* PASID table in MMIO: PASID unusable, reported */
    wr64(&f, SVM_EDU_REG_PASID_TABLE, bar_pa);
    wr32(&f, SVM_EDU_REG_IQ_TAIL, 0);
    at = IQ_BASE;
    qtest_memset(f.qts, at, 0, 32);
    qtest_writel(f.qts, at,
                 SVM_EDU_INV_PASID_CACHE | SVM_EDU_INV_CMD_ALL_PASIDS);
    f.iq_tail = 1;
    wr32(&f, SVM_EDU_REG_IQ_TAIL, 1);
    submit(&f, SVM_EDU_OP_FILL, 0, VA, 8, 0);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_PASID_TABLE);
    wr64(&f, SVM_EDU_REG_PASID_TABLE, PASID_TABLE);

    /* invalidation queue garbage and a queue in MMIO */
    for (i = 0; i < 8; i++) {
        qtest_writeq(f.qts, IQ_BASE + 32 + i * 8,
                     0xdeadbeefcafef00dull * (i + 1));
    }
    wr32(&f, SVM_EDU_REG_IQ_TAIL, 3);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_DESC);
    wr64(&f, SVM_EDU_REG_IQ_BASE, bar_pa);
    wr32(&f, SVM_EDU_REG_IQ_SIZE, 64);
    wr32(&f, SVM_EDU_REG_IQ_TAIL, 10);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_IQ_CONFIG);
    wr64(&f, SVM_EDU_REG_IQ_BASE, IQ_BASE);
    wr32(&f, SVM_EDU_REG_IQ_SIZE, 64);
    f.iq_tail = 0;

    /* submission ring in MMIO and beyond RAM: halted, then recovered */
    wr64(&f, SVM_EDU_REG_SQ_BASE, bar_pa);
    wr32(&f, SVM_EDU_REG_SQ_SIZE, 64);
    wr32(&f, SVM_EDU_REG_SQ_TAIL, 1);
    g_usleep(100000);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_SQ_FETCH);
    wr64(&f, SVM_EDU_REG_SQ_BASE, 0x7ffff000000ull);
    wr32(&f, SVM_EDU_REG_SQ_SIZE, 4096);
    wr32(&f, SVM_EDU_REG_SQ_TAIL, 4095);
    wr32(&f, SVM_EDU_REG_SQ_TAIL, 99999);
    g_assert_true(rd32(&f, SVM_EDU_REG_ERROR) & SVM_EDU_ERR_SQ_CONFIG);
    wr64(&f, SVM_EDU_REG_SQ_BASE, SQ_BASE);
    wr32(&f, SVM_EDU_REG_SQ_SIZE, 64);
    f.sq_tail = 0;

    /* and the device still works */
    map4k(&f, VA, alloc_frame(&f), USER_RW);
    invalidate(&f, SVM_EDU_INV_GLOBAL, 0);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 8,
                            0x5a5a5a5a5a5a5a5aull), ==, SVM_EDU_CS_SUCCESS);
    wait_idle(&f);
    teardown(&f);
}

static void set_gen(Fixture *f, uint32_t gen)
{
    qtest_writel(f->qts, PASID_TABLE + 32 + SVM_EDU_PE_GEN, gen);
    invalidate(f, SVM_EDU_INV_PASID_CACHE, 0);
}

/* A device with @props, one page mapped at VA, the binding at @gen. */
static uint64_t setup_bound(Fixture *f, const char *props, uint32_t gen)
{
    uint64_t frame;

    setup(f, props);
    frame = alloc_frame(f);
    map4k(f, VA, frame, USER_RW);
    set_gen(f, gen);
    return frame;
}

/*
 * A descriptor of a binding that has ended (its bind_gen is not the PASID
 * entry's GEN) is aborted: no access, no record. x-run-ended-binding runs
 * it, and the checker reports each access with info ENDED.
 */
static void test_ended_binding(void)
{
    Fixture f;
    uint64_t frame, info;
    uint32_t slot;

    frame = setup_bound(&f, "", 5);
    g_assert_cmpuint(submit_gen(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                                0x1111111111111111ull, 5), ==,
                     SVM_EDU_CS_SUCCESS);
    slot = f.sq_tail;
    g_assert_cmpuint(submit_gen(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                                0x2222222222222222ull, 4), ==,
                     SVM_EDU_CS_NONE);
    g_assert_cmphex(qtest_readq(f.qts, frame), ==, 0x1111111111111111ull);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_DESC_ABORTED), ==, 1);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_DESC_ERRORS), ==, 1);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_SQ_ERR_INDEX), ==, slot);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 0);
    g_assert_cmphex(rd32(&f, SVM_EDU_REG_ERROR), ==, 0);
    teardown(&f);

    frame = setup_bound(&f, ",x-run-ended-binding=on", 5);
    g_assert_cmpuint(submit_gen(&f, SVM_EDU_OP_FILL, 0, VA, 64,
                                0x2222222222222222ull, 4), ==,
                     SVM_EDU_CS_SUCCESS);
    g_assert_cmphex(qtest_readq(f.qts, frame), ==, 0x2222222222222222ull);
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_DESC_ABORTED), ==, 0);
    /* the FILL's write and the record's */
    g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 2);
    info = rd32(&f, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_INFO);
    g_assert_cmphex(info, ==,
                    SVM_EDU_STALE_INFO_ENDED | SVM_EDU_STALE_INFO_WRITE);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG + SVM_EDU_STALE_LOG_VA),
                    ==, VA);
    g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                         SVM_EDU_STALE_LOG_CACHED_PA), ==, frame);
    teardown(&f);
}

/*
 * Issue 13, finding 1: the source is mapped, the destination is not; the
 * COPY's destination page request waits while the source is remapped and
 * invalidated (WAIT included). The copy must read the new frame, with
 * nothing stale; with x-keep-src-across-prq (the old engine) it reads the
 * old one and the checker reports the held source (info HELD).
 */
static void finding1(const char *extra, bool keep_src)
{
    Fixture f;
    uint64_t src_old, src_new, dst, pte;
    uint32_t id;
    int i;

    setup(&f, extra);
    src_old = alloc_frame(&f);
    src_new = alloc_frame(&f);
    dst = alloc_frame(&f);
    qtest_memset(f.qts, src_old, 0xaa, 4096);
    qtest_memset(f.qts, src_new, 0xbb, 4096);
    pte = map4k(&f, VA, src_old, USER_RW);
    qtest_memset(f.qts, PRQ_BASE, 0, 16 * SVM_EDU_PRQ_ENTRY_SIZE);
    wr64(&f, SVM_EDU_REG_PRQ_BASE, PRQ_BASE);
    wr32(&f, SVM_EDU_REG_PRQ_SIZE, 16);

    set_gen(&f, 9);
    queue_desc(&f, SVM_EDU_OP_COPY, SVM_EDU_DESC_F_BLOCK_ON_FAULT, VA,
               VA + 0x10000, 64, 0, 9);
    for (i = 0; i < 10000 && rd32(&f, SVM_EDU_REG_PRQ_TAIL) != 1; i++) {
        g_usleep(1000);
    }
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_PRQ_TAIL), ==, 1);
    g_assert_cmphex(qtest_readq(f.qts, PRQ_BASE + 8), ==, VA + 0x10000);
    g_assert_cmpuint(qtest_readl(f.qts, PRQ_BASE + 20), ==, 9);

    qtest_writeq(f.qts, pte, src_new | USER_RW | 0x60);
    invalidate(&f, SVM_EDU_INV_PAGE, VA);
    map4k(&f, VA + 0x10000, dst, USER_RW);
    id = qtest_readl(f.qts, PRQ_BASE);
    wr32(&f, SVM_EDU_REG_PRQ_HEAD, 1);
    wr64(&f, SVM_EDU_REG_PRQ_RESP,
         SVM_EDU_PRQ_RESP(id, SVM_EDU_PRQ_RESP_SUCCESS));
    wait_idle(&f);
    g_assert_cmpuint(qtest_readb(f.qts, rec_pa(&f)), ==, SVM_EDU_CS_SUCCESS);
    if (!keep_src) {
        g_assert_cmphex(qtest_readb(f.qts, dst), ==, 0xbb);
        g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 0);
    } else {
        /* use-stale: what real hardware would have done */
        g_assert_cmphex(qtest_readb(f.qts, dst), ==, 0xaa);
        g_assert_cmpuint(counter(&f, SVM_EDU_CNT_STALE), ==, 1);
        g_assert_cmphex(rd32(&f, SVM_EDU_REG_STALE_LOG +
                             SVM_EDU_STALE_LOG_INFO), ==,
                        SVM_EDU_STALE_INFO_HELD);
        g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                             SVM_EDU_STALE_LOG_CACHED_PA), ==, src_old);
        g_assert_cmphex(rd64(&f, SVM_EDU_REG_STALE_LOG +
                             SVM_EDU_STALE_LOG_FRESH_PA), ==, src_new);
    }
    teardown(&f);
}

/*
 * x-iq-stall-addr (issue 13, finding 8): the invalidation queue stops at a
 * PAGE command covering the address: neither it nor the WAIT behind it
 * runs, IQ_HEAD stays on it, the DMA engine goes on. CTRL.RESET clears
 * the stall; QEMU quits cleanly with the queue stalled.
 */
#define STALL_VA    (VA + 0x1000)

/* Queue a PAGE of @addr and a WAIT writing @token; ring the doorbell. */
static uint32_t queue_page_wait(Fixture *f, uint64_t addr, uint32_t token)
{
    uint32_t page = f->iq_tail;
    uint64_t at = IQ_BASE + page * SVM_EDU_INV_DESC_SIZE;

    qtest_memset(f->qts, at, 0, 2 * SVM_EDU_INV_DESC_SIZE);
    qtest_writel(f->qts, at, SVM_EDU_INV_PAGE);
    qtest_writel(f->qts, at + 4, 1);
    qtest_writeq(f->qts, at + 8, addr);
    at += SVM_EDU_INV_DESC_SIZE;
    qtest_writel(f->qts, at, SVM_EDU_INV_WAIT | SVM_EDU_INV_WAIT_STATUS);
    qtest_writeq(f->qts, at + 8, WAIT_STATUS);
    qtest_writel(f->qts, at + 16, token);
    f->iq_tail = (f->iq_tail + 2) % 64;
    wr32(f, SVM_EDU_REG_IQ_TAIL, f->iq_tail);
    return page;
}

static void test_iq_stall(void)
{
    Fixture f;
    uint32_t page;

    setup(&f, ",x-iq-stall-addr=0x7f0000001000");
    map4k(&f, VA, alloc_frame(&f), USER_RW);
    map4k(&f, STALL_VA, alloc_frame(&f), USER_RW);
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, VA, 8192,
                            0x1111111111111111ull), ==, SVM_EDU_CS_SUCCESS);
    invalidate(&f, SVM_EDU_INV_PAGE, VA);       /* another page: runs */

    qtest_writel(f.qts, WAIT_STATUS, 0);
    page = queue_page_wait(&f, STALL_VA, 0x5a11);
    g_assert_cmphex(qtest_readl(f.qts, WAIT_STATUS), ==, 0);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_IQ_HEAD), ==, page);
    wr32(&f, SVM_EDU_REG_PROBE_PASID, 1);
    wr64(&f, SVM_EDU_REG_PROBE_ADDR, STALL_VA);
    g_assert_true(rd64(&f, SVM_EDU_REG_PROBE_RESULT) & SVM_EDU_PROBE_HIT);
    queue_page_wait(&f, VA, 0x5a12);            /* behind it: not run */
    g_assert_cmphex(qtest_readl(f.qts, WAIT_STATUS), ==, 0);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_IQ_HEAD), ==, page);
    g_assert_cmphex(rd32(&f, SVM_EDU_REG_ERROR), ==, 0);
    /* The engine is not stalled. */
    g_assert_cmpuint(submit(&f, SVM_EDU_OP_FILL, 0, STALL_VA, 64,
                            0x2222222222222222ull), ==, SVM_EDU_CS_SUCCESS);

    wr32(&f, SVM_EDU_REG_CTRL, SVM_EDU_CTRL_RESET);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_IQ_HEAD), ==, 0);
    program(&f);
    invalidate(&f, SVM_EDU_INV_PAGE, VA);       /* runs again */
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_IQ_HEAD), ==, 2);

    /* Stalled again, and left so: quitting QEMU must not hang. */
    page = queue_page_wait(&f, STALL_VA, 0x5a13);
    g_assert_cmpuint(rd32(&f, SVM_EDU_REG_IQ_HEAD), ==, page);
    teardown(&f);
}

static void test_src_across_prq(void)
{
    finding1(",stale-check=use-stale", false);
}

static void test_src_across_prq_negative(void)
{
    finding1(",stale-check=use-stale,x-keep-src-across-prq=on", true);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/svm-edu/ident", test_ident);
    qtest_add_func("/svm-edu/dma", test_dma);
    qtest_add_func("/svm-edu/stale-until-invalidation",
                   test_stale_until_invalidation);
    qtest_add_func("/svm-edu/malformed", test_malformed);
    qtest_add_func("/svm-edu/shadow", test_shadow);
    qtest_add_func("/svm-edu/ended-binding", test_ended_binding);
    qtest_add_func("/svm-edu/src-across-prq", test_src_across_prq);
    qtest_add_func("/svm-edu/src-across-prq/keep-src",
                   test_src_across_prq_negative);
    qtest_add_func("/svm-edu/iq-stall", test_iq_stall);
    qtest_add_func("/svm-edu/walk-cache", test_walk_cache);
    qtest_add_func("/svm-edu/walk-cache/leaf-only", test_walk_cache_leaf_only);
    qtest_add_func("/svm-edu/walk-cache/off", test_walk_cache_off);
    return g_test_run();
}

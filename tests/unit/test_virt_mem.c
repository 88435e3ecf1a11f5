/* Unit tests for virt/virt-mem.c: a host's available memory counts its
 * reclaimable page cache (free + buffers + cached), not MemFree alone; a
 * driver without memory stats (test:///) falls back to free memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "virt/virt-mem.h"

static void stat_set(virNodeMemoryStats *s, const char *field,
    unsigned long long v)
{
	memset(s, 0, sizeof *s);
	strncpy(s->field, field, sizeof s->field - 1);
	s->value = v;
}

/* What Linux gives (KiB): a host with 254 MiB free and 22 GiB of cache
 * has about 22 GiB to give, not 254 MiB. */
static void test_cache_counts(void **state)
{
	virNodeMemoryStats p[4];

	(void)state;
	stat_set(&p[0], VIR_NODE_MEMORY_STATS_TOTAL, 24683520);
	stat_set(&p[1], VIR_NODE_MEMORY_STATS_FREE, 260096);
	stat_set(&p[2], VIR_NODE_MEMORY_STATS_BUFFERS, 102400);
	stat_set(&p[3], VIR_NODE_MEMORY_STATS_CACHED, 23068672);
	assert_int_equal(virt_mem_available_of(p, 4), 260096 + 102400 + 23068672);
}

/* Without "free" the stats say nothing usable. */
static void test_no_free_field(void **state)
{
	virNodeMemoryStats p[2];

	(void)state;
	stat_set(&p[0], VIR_NODE_MEMORY_STATS_TOTAL, 1024);
	stat_set(&p[1], VIR_NODE_MEMORY_STATS_CACHED, 512);
	assert_int_equal(virt_mem_available_of(p, 2), 0);
}

static void quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

/* The test driver has neither memory stats nor free memory: -1, and a
 * driver answer is never made up. */
static void test_driver_without_either(void **state)
{
	virConnectPtr c;
	uint64_t kib = 12345;

	(void)state;
	virSetErrorFunc(NULL, quiet);
	c = virConnectOpen("test:///default");
	assert_non_null(c);
	if (virt_mem_available(c, &kib) == 0)
		assert_true(kib > 0);
	else
		assert_int_equal(kib, 12345);
	virConnectClose(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_counts),
		cmocka_unit_test(test_no_free_field),
		cmocka_unit_test(test_driver_without_either),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

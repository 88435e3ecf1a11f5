/* fuzz_virt_xml.c — libFuzzer harness for the libvirt XML parsers.
 *
 *   clang -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 \
 *       -fsanitize=fuzzer,address,undefined $(pkg-config --cflags libxml-2.0) \
 *       tests/fuzz/fuzz_virt_xml.c \
 *       src/virt/virt-xml.c src/core/text.c src/core/util.c src/core/log.c \
 *       $(pkg-config --libs libxml-2.0) -lpthread -o build/fuzz_virt_xml
 *   mkdir -p /tmp/corpus && cp tests/unit/data/xml/[a-z]*.xml /tmp/corpus
 *   build/fuzz_virt_xml -max_len=65536 -max_total_time=60 /tmp/corpus
 * Give a scratch corpus directory first: libFuzzer writes into it.
 *
 * Each input goes to every parser (domain, volume, pool, the domain
 * capabilities' host-model CPU, a <cpu>'s summary, and the CPU key a
 * domain gave read back); whatever they return must be freeable, and a
 * failure must come with a cause. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "virt/virt-xml.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	virtxml_init();
	return 0;
}

static void check_cause(int rc, char *cause)
{
	if (rc < 0 && (cause == NULL || *cause == '\0'))
		abort();
	if (rc == 0 && cause != NULL)
		abort();
	free(cause);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_domain d;
	struct xml_volume v;
	struct xml_pool p;
	struct facts_cpu fc = { 0 };
	char *xml, *cause, *cpu;
	size_t i, nfeat;
	int rc;

	/* The parsers take C strings: an embedded NUL just ends the input. */
	xml = xmalloc(size + 1);
	memcpy(xml, data, size);
	xml[size] = '\0';

	cause = NULL;
	rc = virtxml_parse_domain(xml, &d, &cause);
	check_cause(rc, cause);
	for (i = 0; i < d.ndisks; i++) {
		if (d.disks[i].nbacking > 0 && d.disks[i].backing == NULL)
			abort();
	}
	/* a key the parser made is read back whole */
	if (d.cpu_key != NULL && (facts_cpu_parse(d.cpu_key, &fc) < 0 ||
	    fc.cpu_xml == NULL))
		abort();
	facts_cpu_free(&fc);
	facts_domain_free(&d);
	(void)facts_cpu_parse(xml, &fc);
	facts_cpu_free(&fc);

	cause = NULL;
	rc = virtxml_domcaps_host_model(xml, &cpu, &cause);
	check_cause(rc, cause);
	free(cpu);
	cause = NULL;
	rc = virtxml_cpu_summary(xml, &cpu, &nfeat, &cause);
	check_cause(rc, cause);
	free(cpu);

	cause = NULL;
	rc = virtxml_parse_volume(xml, &v, &cause);
	check_cause(rc, cause);
	virtxml_volume_free(&v);

	cause = NULL;
	rc = virtxml_parse_pool(xml, &p, &cause);
	check_cause(rc, cause);
	virtxml_pool_free(&p);

	free(xml);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genode_bench's phase of large physically contiguous DMA buffers
 * (contig.c): once per boot, apart from the rounds.
 */
#ifndef GENODE_BENCH_CONTIG_H
#define GENODE_BENCH_CONTIG_H

#include <stdbool.h>
#include <stddef.h>

struct pci_addr;

/* genode_bench.c's way of printing a time (ns) in the table */
void fmt_time(char *buf, size_t len, double ns);

/*
 * Measure the size ladder on the fresh guest, fragment memory with
 * unmovable allocations, measure it again, free everything.  For no
 * device and for edu (its claim's default DMA mask); iommu: edu is
 * behind a translating IOMMU.  0, or 1 if a measurement could not be
 * made (the table says why).
 */
int contig_measure(const struct pci_addr *edu, bool iommu);

/* The phase's rows and notes, for the table; 1 if one failed, else 0. */
int contig_print(void);

/* Its results as CSV (state,device,step,size_mib,result,ns). */
void contig_csv(void);

#endif

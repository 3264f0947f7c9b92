/* ring.c: T3's ring collectives as chunked DMA transfers on the kernel (see
 * ring.h). One kernel block holds every device's links: eval handles the
 * arrivals and the transfer starts of the visited cycle, commit reports
 * whether anything happened, next_event is the earliest link release or
 * arrival, so the kernel skips the cycles in between. */
#include "ring.h"
#include "t3run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
  uint32_t slice;   /* which slice of the message */
  uint32_t chunk;   /* which transfer of its half-slice */
  uint32_t step;    /* the collective's step, 0 .. steps-1 */
  cyc_t arrive;     /* in flight: the cycle it lands at the neighbour */
} chunk_t;

typedef struct fifo {
  chunk_t *v;
  uint32_t head, len, cap;
} fifo_t;

/* One direction of the link out of one device. */
typedef struct link {
  cyc_t free_at;    /* first cycle it can start the next transfer */
  fifo_t ready;     /* transfers waiting for the link */
  fifo_t flight;    /* transfers on the wire, in arrival order */
} link_t;

typedef struct ring {
  t3_ring_cfg_t cfg;
  uint32_t steps, dirs;     /* collective steps; 1 or 2 directions */
  uint64_t bytes;           /* message bytes per device */
  double bpc;               /* link bytes per cycle */
  cyc_t hop;                /* hop latency, cycles */
  link_t *links;            /* [device * 2 + dir] */
  uint64_t pending;         /* transfers not yet arrived at their last step */
  int changed;              /* eval did something */
  cyc_t last_arrival;
  uint64_t link_bytes, transfers;
} ring_t;

static void push(fifo_t *f, chunk_t c) {
  if (f->len >= f->cap) CODA_PANIC("t3 ring: fifo of %u overflows", f->cap);
  f->v[(f->head + f->len++) % f->cap] = c;
}

static chunk_t pop(fifo_t *f) {
  chunk_t c = f->v[f->head];
  f->head = (f->head + 1) % f->cap;
  f->len--;
  return c;
}

t3_ring_cfg_t t3_ring_cfg_of(const arch_cfg_t *a) {
  t3_ring_cfg_t c = {(uint32_t)a->t3_devices, a->t3_link_gbps, a->t3_hop_ns, a->t3_freq_mhz,
                     a->t3_chunk_bytes, 0};
  return c;
}

int t3_ring_check(const t3_ring_cfg_t *c, coda_err_t *err) {
  if (c->devices < 2)
    return coda_errf(err, CODA_EINVAL, "t3 ring: %u device (t3.devices): a ring needs at least 2", c->devices);
  if (c->devices > 64)
    return coda_errf(err, CODA_EINVAL, "t3 ring: %u devices (t3.devices): at most 64", c->devices);
  if (!(c->link_gbps > 0))
    return coda_errf(err, CODA_EINVAL, "t3 ring: link bandwidth %g GB/s (t3.link_gbps): expected > 0", c->link_gbps);
  if (!(c->hop_ns >= 0))
    return coda_errf(err, CODA_EINVAL, "t3 ring: hop latency %g ns (t3.hop_ns): expected >= 0", c->hop_ns);
  if (!(c->freq_mhz > 0))
    return coda_errf(err, CODA_EINVAL, "t3 ring: clock %g MHz (t3.freq_mhz): expected > 0", c->freq_mhz);
  if (c->chunk_bytes == 0)
    return coda_errf(err, CODA_EINVAL, "t3 ring: chunk of 0 bytes (t3.chunk_bytes): expected > 0");
  return CODA_OK;
}

double t3_ring_bytes_per_cycle(const t3_ring_cfg_t *c) { return c->link_gbps * 1e9 / (c->freq_mhz * 1e6); }

uint64_t t3_ring_hop_cycles(const t3_ring_cfg_t *c) { return (uint64_t)ceil(c->hop_ns * c->freq_mhz / 1000.0 - 1e-9); }

/* Bytes of half-slice `dir` of slice j (dir 0 takes the odd byte). */
static uint64_t part_bytes(const ring_t *r, uint32_t slice, uint32_t dir) {
  const uint64_t N = r->cfg.devices;
  const uint64_t s = r->bytes / N + (slice < r->bytes % N);
  if (r->dirs == 1) return s;
  return dir == 0 ? s - s / 2 : s / 2;
}

static uint64_t chunk_bytes(const ring_t *r, uint32_t slice, uint32_t dir, uint32_t c) {
  const uint64_t p = part_bytes(r, slice, dir), off = (uint64_t)c * r->cfg.chunk_bytes;
  return p - off < r->cfg.chunk_bytes ? p - off : r->cfg.chunk_bytes;
}

static uint32_t nchunks(const ring_t *r, uint32_t slice, uint32_t dir) {
  const uint64_t p = part_bytes(r, slice, dir);
  return (uint32_t)((p + r->cfg.chunk_bytes - 1) / r->cfg.chunk_bytes);
}

static uint32_t neighbour(const ring_t *r, uint32_t dev, uint32_t dir) {
  const uint32_t N = r->cfg.devices;
  return dir == 0 ? (dev + 1) % N : (dev + N - 1) % N;
}

static void ring_eval(void *self, cyc_t now) {
  ring_t *r = self;
  const uint32_t N = r->cfg.devices;
  r->changed = 0;
  /* arrivals: forwarded at the next step by the receiving device */
  for (uint32_t d = 0; d < N; d++)
    for (uint32_t dir = 0; dir < r->dirs; dir++) {
      link_t *l = &r->links[d * 2 + dir];
      while (l->flight.len && l->flight.v[l->flight.head].arrive <= now) {
        chunk_t c = pop(&l->flight);
        r->changed = 1;
        if (c.step + 1 < r->steps) {
          c.step++;
          push(&r->links[neighbour(r, d, dir) * 2 + dir].ready, c);
        } else {
          r->pending--;
          if (now > r->last_arrival) r->last_arrival = now;
        }
      }
    }
  /* starts: a free link takes its oldest waiting transfer */
  for (uint32_t d = 0; d < N; d++)
    for (uint32_t dir = 0; dir < r->dirs; dir++) {
      link_t *l = &r->links[d * 2 + dir];
      if (l->free_at > now || !l->ready.len) continue;
      chunk_t c = pop(&l->ready);
      const uint64_t b = chunk_bytes(r, c.slice, dir, c.chunk);
      const cyc_t ser = (cyc_t)ceil((double)b / r->bpc - 1e-9);
      l->free_at = now + (ser ? ser : 1);
      c.arrive = l->free_at + r->hop;
      push(&l->flight, c);
      r->link_bytes += b;
      r->transfers++;
      r->changed = 1;
    }
}

static int ring_commit(void *self, cyc_t now) {
  (void)now;
  return ((ring_t *)self)->changed;
}

static cyc_t ring_next_event(const void *self, cyc_t now) {
  const ring_t *r = self;
  cyc_t t = CYC_NEVER;
  for (uint32_t i = 0; i < 2 * r->cfg.devices; i++) {
    const link_t *l = &r->links[i];
    if (l->ready.len && l->free_at > now && l->free_at < t) t = l->free_at;
    if (l->flight.len && l->flight.v[l->flight.head].arrive < t) t = l->flight.v[l->flight.head].arrive;
  }
  return t;
}

static const sim_block_ops_t RING_OPS = {"t3_ring", ring_eval, ring_commit, ring_next_event};

int t3_ring_run(const t3_ring_cfg_t *cfg, t3_coll_e coll, uint64_t bytes, t3_ring_result_t *res,
                coda_err_t *err) {
  int rc = t3_ring_check(cfg, err);
  if (rc) return rc;
  if (bytes == 0) return coda_errf(err, CODA_EINVAL, "t3 ring: a message of 0 bytes (--bytes): expected > 0");
  if ((unsigned)coll > T3_COLL_ALL_REDUCE) return coda_errf(err, CODA_EINVAL, "t3 ring: unknown collective %d", coll);
  ring_t r;
  memset(&r, 0, sizeof r);
  r.cfg = *cfg;
  r.bytes = bytes;
  r.dirs = cfg->bidir ? 2 : 1;
  r.steps = (coll == T3_COLL_ALL_REDUCE ? 2 : 1) * (cfg->devices - 1);
  r.bpc = t3_ring_bytes_per_cycle(cfg);
  r.hop = t3_ring_hop_cycles(cfg);
  const uint32_t N = cfg->devices;
  /* every transfer of every step may wait at one link: the queues' bound */
  uint64_t per_link = 0;
  for (uint32_t j = 0; j < N; j++) per_link += nchunks(&r, j, 0);
  if (per_link > T3_RING_MAX_CHUNKS)
    return coda_errf(err, CODA_EINVAL, "t3 ring: %" PRIu64 " transfers of t3.chunk_bytes=%" PRIu64 " per link and "
                     "step for %" PRIu64 " bytes: at most %u (raise t3.chunk_bytes)",
                     per_link, cfg->chunk_bytes, bytes, T3_RING_MAX_CHUNKS);
  r.links = calloc(2 * (size_t)N, sizeof *r.links);
  if (!r.links) return coda_errf(err, CODA_ENOMEM, "t3 ring: out of memory");
  for (uint32_t i = 0; i < 2 * N && !rc; i++) {
    link_t *l = &r.links[i];
    const uint64_t cap = per_link * (r.steps / (N - 1)); /* all-reduce: each slice passes twice */
    l->ready.cap = l->flight.cap = (uint32_t)cap;
    l->ready.v = malloc(cap * sizeof(chunk_t));
    l->flight.v = malloc(cap * sizeof(chunk_t));
    if (!l->ready.v || !l->flight.v) rc = coda_errf(err, CODA_ENOMEM, "t3 ring: out of memory");
  }
  if (!rc) {
    /* step 0: reduce-scatter / all-reduce start from slice i, all-gather
     * from slice i + 1 (cw) or i - 1 (ccw): the slice each device owns */
    for (uint32_t d = 0; d < N; d++)
      for (uint32_t dir = 0; dir < r.dirs; dir++) {
        const uint32_t s = coll == T3_COLL_ALL_GATHER ? (dir == 0 ? (d + 1) % N : (d + N - 1) % N) : d;
        for (uint32_t c = 0; c < nchunks(&r, s, dir); c++) {
          push(&r.links[d * 2 + dir].ready, (chunk_t){s, c, 0, 0});
          r.pending++;
        }
      }
    sim_t sim;
    sim_init(&sim);
    sim_add(&sim, &RING_OPS, &r);
    while (r.pending && sim.now != CYC_NEVER) sim.now = sim_cycle(&sim);
    if (r.pending) CODA_PANIC("t3 ring: %" PRIu64 " transfers never arrived", r.pending);
    res->cycles = r.last_arrival;
    res->ns = (double)r.last_arrival * 1000.0 / cfg->freq_mhz;
    res->link_bytes = r.link_bytes;
    res->transfers = r.transfers;
    res->visited = sim.visited;
  }
  for (uint32_t i = 0; i < 2 * N; i++) free(r.links[i].ready.v), free(r.links[i].flight.v);
  free(r.links);
  return rc;
}

/* ---- `coda t3 ring` ------------------------------------------------------ */

#define T3_MAX_SETS 64

static int parse_bytes(const char *s, uint64_t *v) {
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  if (end == s) return -1;
  uint64_t m = 1;
  if (*end == 'K' || *end == 'k') m = 1ull << 10, end++;
  else if (*end == 'M' || *end == 'm') m = 1ull << 20, end++;
  else if (*end == 'G' || *end == 'g') m = 1ull << 30, end++;
  if (*end || s[0] == '-') return -1;
  *v = (uint64_t)x * m;
  return 0;
}

int t3_main(int argc, char **argv) {
  static const char usage[] = T3_USAGE;
  if (argc >= 3 && !strcmp(argv[2], "run")) return t3_run_main(argc, argv);
  if (argc >= 3 && !strcmp(argv[2], "compile")) return t3_compile_main(argc, argv);
  if (argc < 3 || strcmp(argv[2], "ring")) {
    if (argc >= 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) { fputs(usage, stdout); return 0; }
    fprintf(stderr, "coda: t3: expected `coda t3 ring|run|compile ...` (see `coda t3 --help`)\n");
    return 2;
  }
  const char *arch = NULL;
  arch_set_t sets[T3_MAX_SETS];
  int nsets = 0, bidir = 0;
  uint64_t bytes = 64ull << 20;
  t3_coll_e coll = T3_COLL_REDUCE_SCATTER;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--bidir")) { bidir = 1; continue; }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage, stdout); return 0; }
    if (strcmp(a, "--arch") && strcmp(a, "--set") && strcmp(a, "--bytes") && strcmp(a, "--coll")) {
      fprintf(stderr, "coda: t3 ring: unknown option %s (see `coda t3 --help`)\n", a);
      return 2;
    }
    if (!v) { fprintf(stderr, "coda: t3 ring: option %s needs a value\n", a); return 2; }
    i++;
    if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--set")) {
      if (nsets >= T3_MAX_SETS) { fprintf(stderr, "coda: t3 ring: too many --set options (at most 64)\n"); return 2; }
      sets[nsets++].expr = v;
    } else if (!strcmp(a, "--bytes")) {
      if (parse_bytes(v, &bytes) || bytes == 0) {
        fprintf(stderr, "coda: error: t3 ring: --bytes %s: expected a positive byte count (suffix K, M or G)\n", v);
        return 2;
      }
    } else {
      if (!strcmp(v, "rs")) coll = T3_COLL_REDUCE_SCATTER;
      else if (!strcmp(v, "ag")) coll = T3_COLL_ALL_GATHER;
      else if (!strcmp(v, "ar")) coll = T3_COLL_ALL_REDUCE;
      else { fprintf(stderr, "coda: error: t3 ring: --coll %s: expected rs, ag or ar\n", v); return 2; }
    }
  }
  arch_cfg_t cfg;
  coda_err_t err = {0};
  t3_ring_result_t res;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err)) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return 2;
  }
  t3_ring_cfg_t rc = t3_ring_cfg_of(&cfg);
  rc.bidir = bidir;
  if (t3_ring_run(&rc, coll, bytes, &res, &err)) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return 2;
  }
  static const char *const names[] = {"reduce-scatter", "all-gather", "all-reduce"};
  const double N = rc.devices, B = rc.link_gbps * (bidir ? 2 : 1); /* GB/s = bytes per ns */
  const double formula = (coll == T3_COLL_ALL_REDUCE ? 2 : 1) * ((N - 1) / N * (double)bytes / B + (N - 1) * rc.hop_ns);
  printf("t3 ring %s: %u devices, %" PRIu64 " bytes per device, %s, link %g GB/s, hop %g ns, chunk %" PRIu64
         " bytes, clock %g MHz\n",
         names[coll], rc.devices, bytes, bidir ? "both directions" : "one direction", rc.link_gbps, rc.hop_ns,
         rc.chunk_bytes, rc.freq_mhz);
  printf("time_ns: %.1f (%" PRIu64 " cycles; kernel visited %" PRIu64 ")\n", res.ns, res.cycles, res.visited);
  printf("formula_ns: %.1f ((N-1)/N x S/B + (N-1) x hop%s%s), simulated/formula %.4f\n", formula,
         coll == T3_COLL_ALL_REDUCE ? ", x2" : "", bidir ? ", B = both directions" : "", res.ns / formula);
  printf("link_bytes: %" PRIu64 " in %" PRIu64 " transfers\n", res.link_bytes, res.transfers);
  return 0;
}

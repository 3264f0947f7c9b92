/* sweep_run.c: running a sweep's points in forked worker processes.
 *
 * The parent resolves every point (config + workload -> hash), drops the
 * ones whose config is invalid or that fail a constraint known before
 * simulating (area), links the ones already stored (reuse), and hands the
 * rest to up to -j children. A child compiles and simulates its point with
 * the library, writes one JSON line of metrics to its pipe and exits; the
 * parent commits each result in its own transaction as it arrives. Children
 * die with the parent (PR_SET_PDEATHSIG), so kill -9 of the sweep leaves no
 * stray worker and the database holds exactly the points finished so far. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../reports/energy.h"
#include "../../reports/report.h"
#include "../area/area.h"
#include "../core/util.h"
#include "../dev/device.h"
#include "sweep_int.h"

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- one point, in the child ------------------------------------------------ */

/* Simulates point p (resolved config c); returns the metrics object or an
 * {"error": ...} object. */
static json_t *eval_point(const sweep_spec_t *s, const sweep_point_t *p, const arch_cfg_t *c, double area_um2) {
  coda_err_t err = {0};
  workload_t w;
  cbin_t prog;
  memset(&prog, 0, sizeof prog);
  energy_table_t et;
  device_t d;
  json_t *out = NULL, *rep = NULL;
  char tmp[PATH_MAX];
  const char *td = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/coda-sweep-XXXXXX", td && *td ? td : "/tmp");
  if (sweep_point_workload(s, p, &w, &err)) goto fail;
  compile_opts_t co;
  compile_opts_default(&co);
  int rc = compile_program(c, &w, &co, &prog, &err);
  workload_free(&w);
  if (rc) goto fail;
  if (energy_load(&et, s->energy, &err)) goto fail;
  if (s->area_model == SWEEP_AREA_SYNTH) {
    char root[PATH_MAX];
    coda_root_abs(root, sizeof root);
    area_opts_t ao;
    memset(&ao, 0, sizeof ao);
    ao.root = root;
    json_t *doc = NULL;
    const area_block_t *b = area_find(c->core_type == ARCH_CORE_LUT ? "lut_tc" : "mac_tc");
    if (!b || area_run(b, c, &ao, &doc, &err)) goto fail;
    double core = json_number_value(json_object_get(doc, "area_um2"));
    json_decref(doc);
    area_um2 = core + sweep_area_buffers_um2(c, s->sram_um2_per_bit);
  }
  device_opts_t dop;
  memset(&dop, 0, sizeof dop);
  if (device_init(&d, c, &prog, &dop, s->wl[p->wl].label, &err)) goto fail;
  rc = device_run(&d, &err);
  if (!rc) {
    run_report_t r;
    memset(&r, 0, sizeof r);
    r.cfg = c;
    r.prog = &prog;
    r.layer_stats = d.layer_stats;
    r.energy = &et;
    r.energy_path = s->energy;
    r.sim_cycles = d.cycles;
    r.visited_cycles = d.sim.visited;
    int fd = mkstemp(tmp);
    if (fd < 0) { coda_errf(&err, CODA_EIO, "%s: cannot create: %s", tmp, strerror(errno)); rc = -1; }
    else {
      close(fd);
      rc = report_json(&r, tmp, &err);
      json_error_t je;
      if (!rc && !(rep = json_load_file(tmp, 0, &je))) rc = coda_errf(&err, CODA_EIO, "%s: %s", tmp, je.text);
      unlink(tmp);
    }
  }
  device_free(&d);
  if (rc) goto fail;
  json_t *t = json_object_get(rep, "total");
  double cyc = json_number_value(json_object_get(t, "total_cycles"));
  double macs = json_number_value(json_object_get(t, "macs"));
  double e = json_number_value(json_object_get(json_object_get(t, "energy"), "total_pj"));
  double tns = json_number_value(json_object_get(t, "time_ns"));
  json_t *b = json_object_get(t, "bytes");
  out = json_object();
  json_object_set(out, "cycles", json_object_get(t, "total_cycles"));
  json_object_set_new(out, "time_ns", json_real(tns));
  json_object_set_new(out, "energy_pj", json_real(e));
  json_object_set_new(out, "dram_bytes", json_integer(json_integer_value(json_object_get(b, "dram_read_bytes")) +
                                                      json_integer_value(json_object_get(b, "dram_write_bytes"))));
  json_object_set(out, "macs", json_object_get(t, "macs"));
  json_object_set(out, "utilization", json_object_get(t, "utilization_ratio"));
  json_object_set_new(out, "macs_per_cycle", json_real(cyc > 0 ? macs / cyc : 0));
  json_object_set_new(out, "energy_per_mac_pj", json_real(macs > 0 ? e / macs : 0));
  json_object_set_new(out, "edp", json_real(e * tns));
  if (s->area_model != SWEEP_AREA_NONE) {
    json_object_set_new(out, "area_um2", json_real(area_um2));
    json_object_set_new(out, "throughput_per_area", json_real(cyc > 0 && area_um2 > 0 ? macs / cyc / (area_um2 * 1e-6) : 0));
  }
  json_object_set_new(out, "run_total", json_deep_copy(t)); /* the coda.run.v1 totals, whole */
  json_decref(rep);
  cbin_free(&prog);
  return out;
fail:
  cbin_free(&prog);
  json_decref(rep);
  out = json_object();
  json_object_set_new(out, "error", json_string(err.msg[0] ? err.msg : "unknown error"));
  return out;
}

/* ---- progress ------------------------------------------------------------- */
static void fmt_dur(double s, char *b, size_t n) {
  if (!isfinite(s) || s < 0) { snprintf(b, n, "?"); return; }
  long t = (long)(s + 0.5);
  if (t >= 3600) snprintf(b, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60) snprintf(b, n, "%ldm%02lds", t / 60, t % 60);
  else snprintf(b, n, "%lds", t);
}

typedef struct progress {
  FILE *f;
  int tty;
  int total;
  double t0, last;
  int last_pct;
} progress_t;

static void progress_show(progress_t *pg, int done, int final) {
  if (!pg->f || !pg->total) return;
  double t = now_s(), el = t - pg->t0;
  double rate = el > 0 ? done / el : 0;
  char eta[32], elb[32];
  fmt_dur(rate > 0 ? (pg->total - done) / rate : NAN, eta, sizeof eta);
  fmt_dur(el, elb, sizeof elb);
  int pct = (int)(100.0 * done / pg->total);
  if (pg->tty) {
    if (!final && t - pg->last < 0.1) return;
    char bar[31];
    int fill = (int)(30.0 * done / pg->total);
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '-';
    bar[30] = 0;
    fprintf(pg->f, "\r[%s] %d/%d %3d%%  %.2f points/s  ETA %s  elapsed %s ", bar, done, pg->total, pct, rate, eta, elb);
    if (final) fputc('\n', pg->f);
  } else {
    if (!final && pct / 10 == pg->last_pct / 10 && t - pg->last < 10) return;
    fprintf(pg->f, "coda: sweep: %d/%d points (%d%%), %.2f points/s, ETA %s, elapsed %s\n", done, pg->total, pct, rate,
            eta, elb);
    pg->last_pct = pct;
  }
  pg->last = t;
  fflush(pg->f);
}

/* ---- the pool -------------------------------------------------------------- */
typedef struct job {
  int pt;         /* index into the points */
  pid_t pid;
  int fd;         /* read end of the child's pipe */
  char *buf;      /* what the child wrote */
  size_t len, cap;
  double t0;
} job_t;

/* A point to run. Only its hash is kept; the config is resolved again
 * where needed (in the worker, and at commit for the stored config), so a
 * million-point sweep does not hold a million configs. */
typedef struct todo {
  int pt;
  char hash[65];
  double area;
  int *dups;      /* other point indices with the same hash */
  int ndup;
} todo_t;

static int feasible_of(const sweep_spec_t *s, json_t *metrics) {
  for (int i = 0; i < s->ncons; i++) {
    json_t *v = json_object_get(metrics, s->cons[i].metric);
    if (!json_is_number(v)) return 0;
    double x = json_number_value(v);
    if (x < s->cons[i].lo || x > s->cons[i].hi) return 0;
  }
  return 1;
}

int sweep_run(const sweep_spec_t *s, const sweep_run_opts_t *o, sweep_run_stats_t *st, coda_err_t *err) {
  memset(st, 0, sizeof *st);
  double t0 = now_s();
  sweep_point_t *pts = NULL;
  int npts = 0;
  int rc = sweep_expand(s, &pts, &npts, err);
  if (rc) return rc;
  sqlite3 *db = NULL;
  int64_t sid = -1;
  if ((rc = sweepdb_open(&db, o->db, o->resume, err)) || (rc = sweepdb_begin(db, o->db, s, o->resume, &sid, err))) {
    sweepdb_close(db);
    sweep_points_free(pts, npts);
    return rc;
  }
  todo_t *todo = calloc((size_t)npts + 1, sizeof *todo);
  int ntodo = 0;
  if (!todo) CODA_PANIC("out of memory");
  int first_invalid = 1;
  /* the hashes queued so far: open addressing on the hash's first 64 bits */
  size_t hcap = 16;
  while (hcap < 2 * (size_t)npts + 2) hcap <<= 1;
  int *htab = malloc(hcap * sizeof *htab);
  if (!htab) CODA_PANIC("out of memory");
  for (size_t h = 0; h < hcap; h++) htab[h] = -1;
  if ((rc = sweepdb_exec(db, "BEGIN IMMEDIATE", err))) goto out;
  for (int i = 0; i < npts; i++) {
    if (o->shard_n > 0 && pts[i].idx % o->shard_n != o->shard_i) continue;
    st->points++;
    sweep_resolved_t r;
    coda_err_t e2 = {0};
    if (sweep_resolve(s, &pts[i], &r, &e2)) {
      if (e2.code != CODA_EINVAL) { *err = e2; rc = e2.code; sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); goto out; }
      st->invalid++;
      if (first_invalid && o->progress) {
        char *pj = json_dumps(pts[i].params, JSON_COMPACT | JSON_SORT_KEYS);
        fprintf(o->progress, "coda: sweep: skipping invalid configs, first %s: %s\n", pj, e2.msg);
        free(pj);
      }
      first_invalid = 0;
      continue;
    }
    double area = s->area_model == SWEEP_AREA_ESTIMATE ? sweep_area_estimate_um2(&r.cfg, s->sram_um2_per_bit) : NAN;
    int pruned = 0;
    for (int c = 0; c < s->ncons && s->area_model == SWEEP_AREA_ESTIMATE; c++)
      if (!strcmp(s->cons[c].metric, "area_um2") && (area < s->cons[c].lo || area > s->cons[c].hi)) pruned = 1;
    if (pruned) { st->pruned++; sweep_resolved_free(&r); continue; }
    int dup = -1;
    size_t slot = (size_t)strtoull((char[17]){r.hash[0], r.hash[1], r.hash[2], r.hash[3], r.hash[4], r.hash[5],
                                              r.hash[6], r.hash[7], r.hash[8], r.hash[9], r.hash[10], r.hash[11],
                                              r.hash[12], r.hash[13], r.hash[14], r.hash[15], 0}, NULL, 16) & (hcap - 1);
    for (; htab[slot] >= 0; slot = (slot + 1) & (hcap - 1))
      if (!strcmp(todo[htab[slot]].hash, r.hash)) { dup = htab[slot]; break; }
    int have = sweepdb_has(db, r.hash);
    if (have < 0) { rc = coda_errf(err, CODA_EIO, "%s: points: %s", o->db, sqlite3_errmsg(db)); sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); goto out; }
    if (have) {
      /* stored: reuse; feasibility from its stored metrics */
      sqlite3_stmt *q = NULL;
      int feas = 0;
      if (sqlite3_prepare_v2(db, "SELECT metrics, status FROM points WHERE hash=?", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, r.hash, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
          json_t *m = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
          feas = m && !strcmp((const char *)sqlite3_column_text(q, 1), "ok") && feasible_of(s, m);
          json_decref(m);
        }
      }
      sqlite3_finalize(q);
      if ((rc = sweepdb_link(db, sid, pts[i].idx, r.hash, feas, err))) { sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); goto out; }
      st->reused++;
      sweep_resolved_free(&r);
      continue;
    }
    if (dup >= 0) {
      todo_t *t = &todo[dup];
      int *nd = realloc(t->dups, (size_t)(t->ndup + 1) * sizeof *nd);
      if (!nd) CODA_PANIC("out of memory");
      t->dups = nd;
      t->dups[t->ndup++] = i;
      st->reused++;
      sweep_resolved_free(&r);
      continue;
    }
    todo[ntodo].pt = i;
    memcpy(todo[ntodo].hash, r.hash, sizeof r.hash);
    todo[ntodo].area = area;
    htab[slot] = ntodo;
    ntodo++;
    sweep_resolved_free(&r);
  }
  if ((rc = sweepdb_exec(db, "COMMIT", err))) goto out;

  int jobs = o->jobs > 0 ? o->jobs : 1;
  job_t *jb = calloc((size_t)jobs, sizeof *jb);
  if (!jb) CODA_PANIC("out of memory");
  for (int j = 0; j < jobs; j++) jb[j].pid = 0;
  progress_t pg = {o->progress, o->progress ? isatty(fileno(o->progress)) : 0, ntodo, now_s(), 0, -100};
  int next = 0, done = 0, running = 0;
  if (o->progress && o->progress != stdout) fflush(stdout);
  if (ntodo) progress_show(&pg, 0, 0);
  while (done < ntodo && !rc) {
    /* start workers */
    for (int j = 0; j < jobs && next < ntodo; j++) {
      if (jb[j].pid) continue;
      int fds[2];
      if (pipe(fds)) { rc = coda_errf(err, CODA_EIO, "sweep: pipe: %s", strerror(errno)); break; }
      fflush(NULL);
      pid_t pid = fork();
      if (pid < 0) { close(fds[0]); close(fds[1]); rc = coda_errf(err, CODA_EIO, "sweep: fork: %s", strerror(errno)); break; }
      if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1) _exit(3);
        close(fds[0]);
        todo_t *t = &todo[next];
        sweep_resolved_t r;
        coda_err_t e3 = {0};
        json_t *m;
        if (sweep_resolve(s, &pts[t->pt], &r, &e3)) {
          m = json_object();
          json_object_set_new(m, "error", json_string(e3.msg));
        } else {
          m = eval_point(s, &pts[t->pt], &r.cfg, t->area);
        }
        char *txt = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
        size_t len = strlen(txt), off = 0;
        while (off < len) {
          ssize_t w = write(fds[1], txt + off, len - off);
          if (w <= 0) _exit(4);
          off += (size_t)w;
        }
        _exit(0);
      }
      close(fds[1]);
      jb[j] = (job_t){next, pid, fds[0], NULL, 0, 0, now_s()};
      next++;
      running++;
    }
    if (rc) break;
    /* wait for output */
    struct pollfd pf[64];
    int map[64], np = 0;
    for (int j = 0; j < jobs && np < 64; j++)
      if (jb[j].pid) { pf[np] = (struct pollfd){jb[j].fd, POLLIN, 0}; map[np++] = j; }
    if (poll(pf, (nfds_t)np, 1000) < 0 && errno != EINTR) { rc = coda_errf(err, CODA_EIO, "sweep: poll: %s", strerror(errno)); break; }
    for (int q = 0; q < np; q++) {
      if (!(pf[q].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      job_t *J = &jb[map[q]];
      if (J->len + 4096 + 1 > J->cap) {
        J->cap = J->cap ? J->cap * 2 + 4096 : 8192;
        J->buf = realloc(J->buf, J->cap);
        if (!J->buf) CODA_PANIC("out of memory");
      }
      ssize_t n = read(J->fd, J->buf + J->len, 4096);
      if (n > 0) { J->len += (size_t)n; continue; }
      if (n < 0 && errno == EINTR) continue;
      /* EOF: the child is done */
      close(J->fd);
      int wst = 0;
      waitpid(J->pid, &wst, 0);
      J->buf[J->len] = 0;
      todo_t *t = &todo[J->pt];
      const sweep_point_t *P = &pts[t->pt];
      json_t *m = WIFEXITED(wst) && WEXITSTATUS(wst) == 0 ? json_loads(J->buf, 0, NULL) : NULL;
      double wall = now_s() - J->t0;
      if (!m) {
        st->crashed++;
        if (o->progress)
          fprintf(o->progress, "%scoda: sweep: worker for point %d died (%s %d); not stored, --resume retries it\n",
                  pg.tty ? "\n" : "", P->idx, WIFSIGNALED(wst) ? "signal" : "exit", WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst));
      } else {
        char *params = json_dumps(P->params, JSON_COMPACT | JSON_SORT_KEYS);
        json_t *e = json_object_get(m, "error");
        char *mt = e ? NULL : json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
        int feas = !e && feasible_of(s, m);
        sweep_resolved_t rr;
        rc = sweep_resolve(s, P, &rr, err);
        if (!rc && strcmp(rr.hash, t->hash))
          rc = coda_errf(err, CODA_EIO, "%s: point %d: its inputs changed during the sweep (hash %.12s, now %.12s)",
                         s->path, P->idx, t->hash, rr.hash);
        if (!rc)
          rc = sweepdb_put(db, sid, P->idx, t->hash, s->wl[P->wl].label, params, rr.cfg_json, e ? "failed" : "ok",
                           e ? json_string_value(e) : NULL, mt, wall, feas, err);
        sweep_resolved_free(&rr);
        for (int d = 0; d < t->ndup && !rc; d++) rc = sweepdb_link(db, sid, pts[t->dups[d]].idx, t->hash, feas, err);
        if (e) st->failed++;
        st->ran++;
        free(params);
        free(mt);
        json_decref(m);
      }
      free(J->buf);
      memset(J, 0, sizeof *J);
      running--;
      done++;
      progress_show(&pg, done, done == ntodo);
    }
  }
  for (int j = 0; j < jobs; j++)
    if (jb[j].pid) { kill(jb[j].pid, SIGKILL); waitpid(jb[j].pid, NULL, 0); close(jb[j].fd); free(jb[j].buf); }
  free(jb);
out:
  for (int i = 0; i < ntodo; i++) free(todo[i].dups);
  free(todo);
  free(htab);
  sweepdb_close(db);
  sweep_points_free(pts, npts);
  st->wall_s = now_s() - t0;
  return rc;
}

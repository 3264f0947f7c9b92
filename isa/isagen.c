/* isagen.c: turns the instruction table isa/coda.isa into code and docs.
 *
 *   isagen TABLE OUTDIR     check TABLE, then write OUTDIR/isa/isa_gen.h,
 *                           OUTDIR/isa/isa_gen.c, OUTDIR/rtl/include/coda_isa.vh
 *                           and OUTDIR/isa/README.md
 *   isagen --check TABLE    check TABLE only
 *
 * The table format is described at the top of isa/coda.isa. The checker
 * rejects, with `TABLE:LINE: what`, anything that would make two encodings
 * ambiguous or a generated name collide: a field outside bits 8..127 (bits
 * 7..0 are the opcode), two fields of one instruction sharing a bit, a bit
 * range whose width differs from the field's, two instructions with one
 * opcode or mnemonic, an opcode outside its group or in a reserved group,
 * unknown or redefined fields, valid ranges or enum names that do not fit
 * the width, examples outside the valid range, and colliding C names.
 * Exit status: 0 ok, 1 table error, 2 usage or I/O error.
 *
 * Standalone C11 + POSIX (mkdir); no library beyond libc. Output is a pure
 * function of the table, so a test can regenerate and byte-compare it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define WORD_BITS 128
#define OPCODE_BITS 8

/* Table limits; the checker reports a table that exceeds them. */
#define MAX_NAME 32   /* identifier bytes, NUL included */
#define MAX_DOC 256   /* doc string bytes, NUL included */
#define MAX_GROUPS 32
#define MAX_FIELDS 128
#define MAX_INSNS 256
#define MAX_SLOTS 64  /* fields per instruction */
#define MAX_VALUES 64 /* enum/bits names per field */

enum { K_UINT, K_ADDR, K_ENUM, K_BITS };
static const char *const kind_name[] = {"uint", "addr", "enum", "bits"};
static const char *const kind_c[] = {"ISA_KIND_UINT", "ISA_KIND_ADDR",
                                     "ISA_KIND_ENUM", "ISA_KIND_BITS"};

typedef struct group {
  char name[MAX_NAME]; /* group keyword, e.g. "dma" */
  unsigned lo, hi;     /* opcode range, inclusive */
  int reserved;        /* 1: no instruction may use it */
  char doc[MAX_DOC];   /* one line */
  int line;            /* where it was defined */
} group_t;

typedef struct field {
  char name[MAX_NAME];              /* asm keyword and isa_insn_t member */
  unsigned width;                   /* bits, 1..64 */
  int kind;                         /* K_* */
  uint64_t min, max;                /* valid values */
  char prefix[MAX_NAME];            /* ENUM/BITS: C constant prefix */
  int n_values;                     /* ENUM/BITS: names */
  char value[MAX_VALUES][MAX_NAME]; /* ENUM/BITS: value or bit names */
  char eg[MAX_NAME];                /* example value (text) */
  uint64_t eg_val;                  /* the example as a number */
  char doc[MAX_DOC];                /* one line */
  int line;                         /* where it was defined */
  int n_uses;                       /* instructions that use it */
} field_t;

typedef struct slot {
  int field;       /* index into fields */
  unsigned lo, hi; /* bit range, inclusive */
} slot_t;

typedef struct insn {
  char name[MAX_NAME];   /* mnemonic */
  unsigned opcode;       /* bits 7..0 */
  int group;             /* index into groups */
  int n_slots;           /* fields, in table order */
  slot_t slot[MAX_SLOTS];
  char doc[MAX_DOC];     /* one line */
  int line;              /* where it was defined */
  uint64_t used[2];      /* bits owned by the opcode and the fields */
  uint64_t eg[2];        /* encoding of the example */
} insn_t;

typedef struct tab {
  const char *path;  /* table file, for messages */
  char base[256];    /* "isa/<basename>", for banners */
  int n_groups, n_fields, n_insns;
  group_t group[MAX_GROUPS];
  field_t field[MAX_FIELDS];
  insn_t insn[MAX_INSNS];
} tab_t;

/* ---- errors --------------------------------------------------------------- */

static int fail(const tab_t *t, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const tab_t *t, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: ", t->path, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return -1;
}

/* ---- lexer ---------------------------------------------------------------- */

typedef struct lex {
  const char *p;    /* next character */
  int line;         /* line of p */
  char tok[MAX_DOC];/* current token text (quotes stripped) */
  int tok_line;     /* line of the current token */
  int is_str;       /* current token was "quoted" */
  int eof;          /* no current token */
} lex_t;

/* Advances to the next token. Returns -1 on a lexical error. */
static int next(const tab_t *t, lex_t *lx) {
  for (;;) {
    while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n') {
      if (*lx->p == '\n') lx->line++;
      lx->p++;
    }
    if (*lx->p != '#') break;
    while (*lx->p && *lx->p != '\n') lx->p++;
  }
  lx->tok_line = lx->line;
  lx->is_str = 0;
  lx->tok[0] = 0;
  lx->eof = (*lx->p == 0);
  if (lx->eof) return 0;
  size_t n = 0;
  if (*lx->p == '"') {
    lx->p++;
    while (*lx->p != '"') {
      if (*lx->p == 0 || *lx->p == '\n')
        return fail(t, lx->tok_line, "unterminated string");
      /* Docs land in C comments and strings, Verilog comments and
       * Markdown tables: keep out what would end or break any of them. */
      if ((unsigned char)*lx->p < 0x20 || (unsigned char)*lx->p > 0x7e ||
          *lx->p == '\\' || *lx->p == '|' ||
          (*lx->p == '*' && lx->p[1] == '/') ||
          (*lx->p == '?' && lx->p[1] == '?'))
        return fail(t, lx->tok_line,
                    "doc strings are printable ASCII without \\, |, */ or ??");
      if (n + 1 >= sizeof lx->tok)
        return fail(t, lx->tok_line, "string longer than %d bytes",
                    MAX_DOC - 1);
      lx->tok[n++] = *lx->p++;
    }
    lx->p++;
    lx->is_str = 1;
  } else if (*lx->p == '{' || *lx->p == '}') {
    lx->tok[n++] = *lx->p++;
  } else {
    while (*lx->p && !strchr(" \t\r\n#\"{}", *lx->p)) {
      if (n + 1 >= MAX_NAME)
        return fail(t, lx->tok_line, "token longer than %d bytes",
                    MAX_NAME - 1);
      lx->tok[n++] = *lx->p++;
    }
  }
  lx->tok[n] = 0;
  return 0;
}

/* ---- small parsers -------------------------------------------------------- */

/* Decimal or 0x hex, no sign, no overflow. */
static int parse_u64(const char *s, uint64_t *v) {
  uint64_t x = 0;
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (!*s) return -1;
  for (; *s; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
    else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
    else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
    else return -1;
    if (x > (UINT64_MAX - d) / base) return -1;
    x = x * base + d;
  }
  *v = x;
  return 0;
}

/* "LO..HI" or, when single is set, also "B" (meaning B..B). */
static int parse_range(const char *s, uint64_t *lo, uint64_t *hi, int single) {
  char a[MAX_NAME];
  const char *dots = strstr(s, "..");
  if (!dots) {
    if (!single || parse_u64(s, lo)) return -1;
    *hi = *lo;
    return 0;
  }
  size_t n = (size_t)(dots - s);
  if (n == 0 || n >= sizeof a) return -1;
  memcpy(a, s, n);
  a[n] = 0;
  return parse_u64(a, lo) || parse_u64(dots + 2, hi) ? -1 : 0;
}

/* strcpy that truncates to n bytes (tokens are already bounded). */
static void cpy(char *d, size_t n, const char *s) {
  size_t k = strlen(s);
  if (k >= n) k = n - 1;
  memcpy(d, s, k);
  d[k] = 0;
}

static int is_ident(const char *s) {
  if (!(*s >= 'a' && *s <= 'z')) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

static int is_prefix(const char *s) {
  if (!(*s >= 'A' && *s <= 'Z')) return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

/* Names a field may not take: isa_insn_t's own member, and C keywords. */
static int is_reserved_word(const char *s) {
  static const char *const words[] = {
      "op",     "opcode", "auto",   "break",   "case",     "char",
      "const",  "continue", "default", "do",    "double",   "else",
      "enum",   "extern", "float",  "for",     "goto",     "if",
      "inline", "int",    "long",   "register", "restrict", "return",
      "short",  "signed", "sizeof", "static",  "struct",   "switch",
      "typedef", "union", "unsigned", "void",  "volatile", "while"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strcmp(s, words[i])) return 1;
  return 0;
}

static uint64_t width_max(unsigned w) {
  return w >= 64 ? UINT64_MAX : (1ull << w) - 1;
}

static void upper(char *dst, const char *src, size_t n) {
  size_t i = 0;
  for (; src[i] && i + 1 < n; i++) dst[i] = (char)toupper((unsigned char)src[i]);
  dst[i] = 0;
}

static int find_field(const tab_t *t, const char *name) {
  for (int i = 0; i < t->n_fields; i++)
    if (!strcmp(t->field[i].name, name)) return i;
  return -1;
}

static int find_group(const tab_t *t, const char *name) {
  for (int i = 0; i < t->n_groups; i++)
    if (!strcmp(t->group[i].name, name)) return i;
  return -1;
}

/* The value a field's text takes (enum names map to their index). */
static int field_value(const field_t *f, const char *text, uint64_t *v) {
  if (f->kind == K_ENUM) {
    for (int i = 0; i < f->n_values; i++)
      if (!strcmp(f->value[i], text)) {
        *v = (uint64_t)i;
        return 0;
      }
    return -1;
  }
  return parse_u64(text, v);
}

/* ---- statements ----------------------------------------------------------- */

/* Each parse_* starts with lx on the token after the keyword and leaves it
 * on the token after the statement's doc string. */

static int expect_word(const tab_t *t, lex_t *lx, const char *what) {
  if (lx->eof || lx->is_str || !strcmp(lx->tok, "{") || !strcmp(lx->tok, "}"))
    return fail(t, lx->tok_line, "expected %s, got %s", what,
                lx->eof ? "end of file" : lx->tok);
  return 0;
}

static int take_doc(const tab_t *t, lex_t *lx, char *doc, const char *what) {
  if (lx->eof || !lx->is_str)
    return fail(t, lx->tok_line, "%s: expected its \"doc\" string, got %s",
                what, lx->eof ? "end of file" : lx->tok);
  if (!lx->tok[0]) return fail(t, lx->tok_line, "%s: empty doc", what);
  snprintf(doc, MAX_DOC, "%s", lx->tok);
  return next(t, lx);
}

static int parse_group(tab_t *t, lex_t *lx) {
  int line = lx->tok_line;
  if (t->n_groups == MAX_GROUPS)
    return fail(t, line, "more than %d groups", MAX_GROUPS);
  group_t *g = &t->group[t->n_groups];
  memset(g, 0, sizeof *g);
  g->line = line;
  if (expect_word(t, lx, "a group name")) return -1;
  if (!is_ident(lx->tok))
    return fail(t, line, "group name '%s' is not a lower-case identifier",
                lx->tok);
  int dup = find_group(t, lx->tok);
  if (dup >= 0)
    return fail(t, line, "group '%s' defined again (first at line %d)",
                lx->tok, t->group[dup].line);
  cpy(g->name, sizeof g->name, lx->tok);
  if (next(t, lx) || expect_word(t, lx, "an opcode range LO..HI")) return -1;
  uint64_t lo, hi;
  if (parse_range(lx->tok, &lo, &hi, 0))
    return fail(t, line, "group %s: bad opcode range '%s' (expected LO..HI)",
                g->name, lx->tok);
  if (lo > hi || hi > 0xff)
    return fail(t, line, "group %s: opcode range %s is not inside 0x00..0xff",
                g->name, lx->tok);
  g->lo = (unsigned)lo;
  g->hi = (unsigned)hi;
  if (next(t, lx)) return -1;
  if (!lx->eof && !lx->is_str && !strcmp(lx->tok, "reserved")) {
    g->reserved = 1;
    if (next(t, lx)) return -1;
  }
  if (take_doc(t, lx, g->doc, g->name)) return -1;
  t->n_groups++;
  return 0;
}

static int parse_values(tab_t *t, lex_t *lx, field_t *f) {
  if (expect_word(t, lx, "a C prefix") || next(t, lx)) return -1;
  if (lx->eof || strcmp(lx->tok, "{"))
    return fail(t, lx->tok_line, "field %s: expected '{' before the names",
                f->name);
  if (next(t, lx)) return -1;
  while (!lx->eof && strcmp(lx->tok, "}")) {
    if (expect_word(t, lx, "a value name")) return -1;
    if (!is_ident(lx->tok))
      return fail(t, lx->tok_line,
                  "field %s: value name '%s' is not a lower-case identifier",
                  f->name, lx->tok);
    for (int i = 0; i < f->n_values; i++)
      if (!strcmp(f->value[i], lx->tok))
        return fail(t, lx->tok_line, "field %s: value '%s' named twice",
                    f->name, lx->tok);
    if (f->n_values == MAX_VALUES)
      return fail(t, lx->tok_line, "field %s: more than %d names", f->name,
                  MAX_VALUES);
    cpy(f->value[f->n_values++], MAX_NAME, lx->tok);
    if (next(t, lx)) return -1;
  }
  if (lx->eof)
    return fail(t, lx->tok_line, "field %s: missing '}'", f->name);
  if (f->n_values == 0)
    return fail(t, lx->tok_line, "field %s: no names", f->name);
  return next(t, lx);
}

static int parse_field(tab_t *t, lex_t *lx) {
  int line = lx->tok_line;
  if (t->n_fields == MAX_FIELDS)
    return fail(t, line, "more than %d fields", MAX_FIELDS);
  field_t *f = &t->field[t->n_fields];
  memset(f, 0, sizeof *f);
  f->line = line;
  if (expect_word(t, lx, "a field name")) return -1;
  if (!is_ident(lx->tok))
    return fail(t, line, "field name '%s' is not a lower-case identifier",
                lx->tok);
  if (is_reserved_word(lx->tok))
    return fail(t, line, "field name '%s' is reserved", lx->tok);
  int dup = find_field(t, lx->tok);
  if (dup >= 0)
    return fail(t, line,
                "field '%s' defined again (first at line %d): a field has one "
                "width and kind everywhere",
                lx->tok, t->field[dup].line);
  cpy(f->name, sizeof f->name, lx->tok);
  if (next(t, lx) || expect_word(t, lx, "a width")) return -1;
  uint64_t w;
  if (parse_u64(lx->tok, &w) || w < 1 || w > 64)
    return fail(t, line, "field %s: width '%s' is not 1..64", f->name,
                lx->tok);
  f->width = (unsigned)w;
  if (next(t, lx) || expect_word(t, lx, "a kind (uint, addr, enum, bits)"))
    return -1;
  f->kind = -1;
  for (int k = 0; k < 4; k++)
    if (!strcmp(lx->tok, kind_name[k])) f->kind = k;
  if (f->kind < 0)
    return fail(t, line, "field %s: unknown kind '%s' (uint, addr, enum, bits)",
                f->name, lx->tok);
  if (next(t, lx)) return -1;
  f->min = 0;
  f->max = width_max(f->width);
  if (f->kind == K_UINT && !lx->eof && !lx->is_str && strstr(lx->tok, "..")) {
    if (parse_range(lx->tok, &f->min, &f->max, 0) || f->min > f->max)
      return fail(t, line, "field %s: bad valid range '%s'", f->name, lx->tok);
    if (f->max > width_max(f->width))
      return fail(t, line,
                  "field %s: valid range %s does not fit in %u bits", f->name,
                  lx->tok, f->width);
    if (next(t, lx)) return -1;
  } else if (f->kind == K_ENUM || f->kind == K_BITS) {
    if (expect_word(t, lx, "a C prefix")) return -1;
    if (!is_prefix(lx->tok))
      return fail(t, line, "field %s: prefix '%s' is not an upper-case name",
                  f->name, lx->tok);
    cpy(f->prefix, sizeof f->prefix, lx->tok);
    if (parse_values(t, lx, f)) return -1;
    if (f->kind == K_ENUM) {
      if (f->width < 64 && (uint64_t)f->n_values > (1ull << f->width))
        return fail(t, line, "field %s: %d enum values do not fit in %u bits",
                    f->name, f->n_values, f->width);
      f->max = (uint64_t)f->n_values - 1;
    } else {
      if ((unsigned)f->n_values > f->width)
        return fail(t, line, "field %s: %d named bits do not fit in %u bits",
                    f->name, f->n_values, f->width);
      f->max = width_max((unsigned)f->n_values);
    }
  }
  if (!lx->eof && !lx->is_str && !strncmp(lx->tok, "eg=", 3)) {
    snprintf(f->eg, sizeof f->eg, "%s", lx->tok + 3);
    if (field_value(f, f->eg, &f->eg_val) || f->eg_val < f->min ||
        f->eg_val > f->max)
      return fail(t, line, "field %s: example '%s' is not a valid value",
                  f->name, f->eg);
    if (next(t, lx)) return -1;
  } else {
    return fail(t, line, "field %s: missing eg=VALUE", f->name);
  }
  if (take_doc(t, lx, f->doc, f->name)) return -1;
  t->n_fields++;
  return 0;
}

static void set_bits(uint64_t w[2], unsigned lo, unsigned hi) {
  for (unsigned b = lo; b <= hi; b++) w[b / 64] |= 1ull << (b % 64);
}

static void put_value(uint64_t w[2], unsigned lo, unsigned width, uint64_t v) {
  for (unsigned i = 0; i < width; i++)
    if ((v >> i) & 1) w[(lo + i) / 64] |= 1ull << ((lo + i) % 64);
}

static int parse_insn(tab_t *t, lex_t *lx) {
  int line = lx->tok_line;
  if (t->n_insns == MAX_INSNS)
    return fail(t, line, "more than %d instructions", MAX_INSNS);
  insn_t *in = &t->insn[t->n_insns];
  memset(in, 0, sizeof *in);
  in->line = line;
  if (expect_word(t, lx, "a mnemonic")) return -1;
  if (!is_ident(lx->tok))
    return fail(t, line, "mnemonic '%s' is not a lower-case identifier",
                lx->tok);
  for (int i = 0; i < t->n_insns; i++)
    if (!strcmp(t->insn[i].name, lx->tok))
      return fail(t, line, "mnemonic '%s' defined again (first at line %d)",
                  lx->tok, t->insn[i].line);
  cpy(in->name, sizeof in->name, lx->tok);
  if (next(t, lx) || expect_word(t, lx, "an opcode")) return -1;
  uint64_t opc;
  if (parse_u64(lx->tok, &opc))
    return fail(t, line, "%s: bad opcode '%s'", in->name, lx->tok);
  if (opc > 0xff)
    return fail(t, line, "%s: opcode %s does not fit in bits 7..0", in->name,
                lx->tok);
  in->opcode = (unsigned)opc;
  for (int i = 0; i < t->n_insns; i++)
    if (t->insn[i].opcode == in->opcode)
      return fail(t, line, "%s: opcode 0x%02x is already %s (line %d)",
                  in->name, in->opcode, t->insn[i].name, t->insn[i].line);
  if (next(t, lx) || expect_word(t, lx, "a group")) return -1;
  in->group = find_group(t, lx->tok);
  if (in->group < 0)
    return fail(t, line, "%s: unknown group '%s'", in->name, lx->tok);
  const group_t *g = &t->group[in->group];
  if (in->opcode < g->lo || in->opcode > g->hi)
    return fail(t, line, "%s: opcode 0x%02x is outside group %s (0x%02x..0x%02x)",
                in->name, in->opcode, g->name, g->lo, g->hi);
  if (g->reserved)
    return fail(t, line, "%s: group %s (0x%02x..0x%02x) is reserved", in->name,
                g->name, g->lo, g->hi);
  set_bits(in->used, 0, OPCODE_BITS - 1);
  in->eg[0] = in->opcode;
  if (next(t, lx)) return -1;
  while (!lx->eof && !lx->is_str) {
    int sl = lx->tok_line;
    char name[MAX_NAME];
    const char *colon = strchr(lx->tok, ':');
    if (!colon || colon == lx->tok)
      return fail(t, sl, "%s: expected FIELD:HI..LO, got '%s'", in->name,
                  lx->tok);
    size_t n = (size_t)(colon - lx->tok);
    memcpy(name, lx->tok, n);
    name[n] = 0;
    int fi = find_field(t, name);
    if (fi < 0)
      return fail(t, sl, "%s: unknown field '%s'", in->name, name);
    field_t *f = &t->field[fi];
    uint64_t hi, lo;
    if (parse_range(colon + 1, &hi, &lo, 1) || hi < lo)
      return fail(t, sl, "%s: field %s: bad bit range '%s' (expected HI..LO)",
                  in->name, name, colon + 1);
    if (hi >= WORD_BITS)
      return fail(t, sl, "%s: field %s: bits %s go past bit %d", in->name,
                  name, colon + 1, WORD_BITS - 1);
    if (lo < OPCODE_BITS)
      return fail(t, sl,
                  "%s: field %s: bits %s overlap the opcode (bits 7..0)",
                  in->name, name, colon + 1);
    if (hi - lo + 1 != f->width)
      return fail(t, sl,
                  "%s: field %s: bits %s are %u wide, the field is %u bits",
                  in->name, name, colon + 1, (unsigned)(hi - lo + 1),
                  f->width);
    for (int i = 0; i < in->n_slots; i++) {
      const slot_t *o = &in->slot[i];
      if (o->field == fi)
        return fail(t, sl, "%s: field %s placed twice", in->name, name);
      if (lo <= o->hi && o->lo <= hi)
        return fail(t, sl, "%s: field %s (bits %u..%u) overlaps field %s "
                    "(bits %u..%u)",
                    in->name, name, (unsigned)hi, (unsigned)lo,
                    t->field[o->field].name, o->hi, o->lo);
    }
    if (in->n_slots == MAX_SLOTS)
      return fail(t, sl, "%s: more than %d fields", in->name, MAX_SLOTS);
    in->slot[in->n_slots++] = (slot_t){fi, (unsigned)lo, (unsigned)hi};
    set_bits(in->used, (unsigned)lo, (unsigned)hi);
    put_value(in->eg, (unsigned)lo, f->width, f->eg_val);
    f->n_uses++;
    if (next(t, lx)) return -1;
  }
  if (take_doc(t, lx, in->doc, in->name)) return -1;
  t->n_insns++;
  return 0;
}

/* Every generated C/Verilog name is distinct (a prefix shared by an enum and
 * an op, say, could otherwise collide silently). */
typedef struct names {
  int n;
  char (*v)[2 * MAX_NAME + 16];
} names_t;

static int add_name(const tab_t *t, names_t *ns, int line, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static int add_name(const tab_t *t, names_t *ns, int line, const char *fmt,
                    ...) {
  char s[sizeof ns->v[0]];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s, sizeof s, fmt, ap);
  va_end(ap);
  for (int i = 0; i < ns->n; i++)
    if (!strcmp(ns->v[i], s))
      return fail(t, line, "generated name %s is defined twice", s);
  snprintf(ns->v[ns->n++], sizeof ns->v[0], "%s", s);
  return 0;
}

static int check_names(const tab_t *t) {
  names_t ns = {0, NULL};
  int cap = 64 + t->n_fields * (8 + MAX_VALUES) + t->n_insns * (4 + 2 * MAX_SLOTS);
  ns.v = calloc((size_t)cap, sizeof ns.v[0]);
  if (!ns.v) return fail(t, 0, "out of memory");
  int rc = 0;
  static const char *const fixed[] = {"ISA_OP_COUNT", "ISA_F_COUNT",
                                      "ISA_OPCODE_LSB", "ISA_OPCODE_MSB",
                                      "ISA_MAX_SLOTS"};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] && !rc; i++)
    rc = add_name(t, &ns, 0, "%s", fixed[i]);
  for (int i = 0; i < t->n_fields && !rc; i++) {
    const field_t *f = &t->field[i];
    char F[MAX_NAME];
    upper(F, f->name, sizeof F);
    rc = add_name(t, &ns, f->line, "ISA_F_%s", F) ||
         add_name(t, &ns, f->line, "ISA_F_%s_BITS", F) ||
         add_name(t, &ns, f->line, "ISA_F_%s_MIN", F) ||
         add_name(t, &ns, f->line, "ISA_F_%s_MAX", F);
    if (f->kind == K_ENUM && !rc)
      rc = add_name(t, &ns, f->line, "ISA_%s_COUNT", f->prefix);
    for (int v = 0; v < f->n_values && !rc; v++) {
      char V[MAX_NAME];
      upper(V, f->value[v], sizeof V);
      rc = add_name(t, &ns, f->line, "ISA_%s_%s", f->prefix, V);
    }
  }
  for (int i = 0; i < t->n_insns && !rc; i++) {
    const insn_t *in = &t->insn[i];
    char O[MAX_NAME];
    upper(O, in->name, sizeof O);
    rc = add_name(t, &ns, in->line, "ISA_OP_%s", O) ||
         add_name(t, &ns, in->line, "ISA_OPC_%s", O) ||
         add_name(t, &ns, in->line, "ISA_%s_USED", O);
    for (int s = 0; s < in->n_slots && !rc; s++) {
      char F[MAX_NAME];
      upper(F, t->field[in->slot[s].field].name, sizeof F);
      rc = add_name(t, &ns, in->line, "ISA_%s_%s_LSB", O, F) ||
           add_name(t, &ns, in->line, "ISA_%s_%s_MSB", O, F);
    }
  }
  free(ns.v);
  return rc ? -1 : 0;
}

/* Parses and checks the whole table. */
static int parse_table(tab_t *t, const char *text) {
  lex_t lx = {text, 1, {0}, 1, 0, 0};
  if (next(t, &lx)) return -1;
  while (!lx.eof) {
    char kw[MAX_NAME];
    int line = lx.tok_line;
    if (lx.is_str) return fail(t, line, "stray string \"%s\"", lx.tok);
    cpy(kw, sizeof kw, lx.tok);
    if (next(t, &lx)) return -1;
    int rc;
    if (!strcmp(kw, "group")) rc = parse_group(t, &lx);
    else if (!strcmp(kw, "field")) rc = parse_field(t, &lx);
    else if (!strcmp(kw, "insn")) rc = parse_insn(t, &lx);
    else return fail(t, line, "expected group, field or insn, got '%s'", kw);
    if (rc) return -1;
  }
  if (t->n_insns == 0) return fail(t, lx.line, "no instructions");
  for (int i = 0; i < t->n_groups; i++)
    for (int j = 0; j < i; j++)
      if (t->group[i].lo <= t->group[j].hi && t->group[j].lo <= t->group[i].hi)
        return fail(t, t->group[i].line, "group %s overlaps group %s",
                    t->group[i].name, t->group[j].name);
  for (int i = 0; i < t->n_fields; i++)
    if (t->field[i].n_uses == 0)
      return fail(t, t->field[i].line, "field %s is used by no instruction",
                  t->field[i].name);
  return check_names(t);
}

/* ---- output buffer -------------------------------------------------------- */

typedef struct sb {
  char *s;
  size_t n, cap;
  int oom;
} sb_t;

static void out(sb_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void out(sb_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (k < 0 || b->oom) {
    b->oom = 1;
    return;
  }
  if (b->n + (size_t)k + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + (size_t)k + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)k;
}

/* Literal of a valid value in C. */
static const char *csuffix(uint64_t v) { return v > 0xffffffffull ? "ull" : "u"; }

/* ---- isa_gen.h ------------------------------------------------------------ */

static void gen_h(const tab_t *t, sb_t *b) {
  int max_slots = 0;
  for (int i = 0; i < t->n_insns; i++)
    if (t->insn[i].n_slots > max_slots) max_slots = t->insn[i].n_slots;
  out(b, "/* isa_gen.h: generated from %s by isa/isagen.c -- do not edit.\n",
      t->base);
  out(b, " *\n * The instruction set as C constants and tables; included by "
         "isa/isa.h,\n * which defines isa_word_t and the functions. See "
         "isa/README.md. */\n");
  out(b, "#ifndef CODA_ISA_GEN_H\n#define CODA_ISA_GEN_H\n\n");
  out(b, "#include <stddef.h>\n#include <stdint.h>\n\n");

  out(b, "/* Instructions, in table order. */\ntypedef enum isa_op {\n");
  for (int i = 0; i < t->n_insns; i++) {
    char O[MAX_NAME];
    upper(O, t->insn[i].name, sizeof O);
    out(b, "  ISA_OP_%s, /* 0x%02x %s */\n", O, t->insn[i].opcode,
        t->insn[i].doc);
  }
  out(b, "  ISA_OP_COUNT\n} isa_op_e;\n\n");

  out(b, "/* Opcodes: bits ISA_OPCODE_MSB..ISA_OPCODE_LSB of every word. */\n");
  out(b, "#define ISA_OPCODE_LSB 0\n#define ISA_OPCODE_MSB %d\n",
      OPCODE_BITS - 1);
  for (int i = 0; i < t->n_insns; i++) {
    char O[MAX_NAME];
    upper(O, t->insn[i].name, sizeof O);
    out(b, "#define ISA_OPC_%s 0x%02xu\n", O, t->insn[i].opcode);
  }
  out(b, "\n");

  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    char lo[MAX_NAME];
    for (size_t k = 0; k < sizeof lo; k++) lo[k] = (char)tolower((unsigned char)f->prefix[k]);
    if (f->kind == K_ENUM) {
      out(b, "/* %s: %s */\ntypedef enum isa_%s {\n", f->name, f->doc, lo);
      for (int v = 0; v < f->n_values; v++) {
        char V[MAX_NAME];
        upper(V, f->value[v], sizeof V);
        out(b, "  ISA_%s_%s, /* %d */\n", f->prefix, V, v);
      }
      out(b, "  ISA_%s_COUNT\n} isa_%s_e;\n\n", f->prefix, lo);
    } else if (f->kind == K_BITS) {
      out(b, "/* %s: %s */\n", f->name, f->doc);
      for (int v = 0; v < f->n_values; v++) {
        char V[MAX_NAME];
        upper(V, f->value[v], sizeof V);
        out(b, "#define ISA_%s_%s %uu\n", f->prefix, V, 1u << v);
      }
      out(b, "\n");
    }
  }

  out(b, "/* Field widths and valid values. */\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    char F[MAX_NAME];
    upper(F, f->name, sizeof F);
    out(b, "#define ISA_F_%s_BITS %u\n", F, f->width);
    out(b, "#define ISA_F_%s_MIN %llu%s\n", F, (unsigned long long)f->min,
        csuffix(f->min));
    out(b, "#define ISA_F_%s_MAX %llu%s\n", F, (unsigned long long)f->max,
        csuffix(f->max));
  }
  out(b, "\n/* Field positions per instruction (bit numbers in the 128-bit "
         "word). */\n");
  for (int i = 0; i < t->n_insns; i++) {
    const insn_t *in = &t->insn[i];
    char O[MAX_NAME];
    upper(O, in->name, sizeof O);
    for (int s = 0; s < in->n_slots; s++) {
      char F[MAX_NAME];
      upper(F, t->field[in->slot[s].field].name, sizeof F);
      out(b, "#define ISA_%s_%s_LSB %u\n#define ISA_%s_%s_MSB %u\n", O, F,
          in->slot[s].lo, O, F, in->slot[s].hi);
    }
  }

  out(b, "\n/* A decoded instruction: op plus every field of the table; "
         "fields the op\n * does not have are 0. */\ntypedef struct isa_insn "
         "{\n  isa_op_e op; /* which instruction */\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    out(b, "  %s %s; /* %s */\n", f->width > 32 ? "uint64_t" : "uint32_t",
        f->name, f->doc);
  }
  out(b, "} isa_insn_t;\n\n");

  out(b, "/* Fields, in table order. */\ntypedef enum isa_field {\n");
  for (int i = 0; i < t->n_fields; i++) {
    char F[MAX_NAME];
    upper(F, t->field[i].name, sizeof F);
    out(b, "  ISA_F_%s,\n", F);
  }
  out(b, "  ISA_F_COUNT\n} isa_field_e;\n\n");

  out(b,
      "/* What a field's value is. */\n"
      "typedef enum isa_kind {\n"
      "  ISA_KIND_UINT, /* unsigned integer, printed in decimal */\n"
      "  ISA_KIND_ADDR, /* byte address, printed in hex */\n"
      "  ISA_KIND_ENUM, /* index of a name in names[] */\n"
      "  ISA_KIND_BITS  /* set of named bits (bit i = names[i]) */\n"
      "} isa_kind_e;\n\n"
      "typedef struct isa_field_info {\n"
      "  const char *name;         /* assembly keyword and isa_insn_t member */\n"
      "  unsigned width;           /* bits */\n"
      "  isa_kind_e kind;          /* what the value is */\n"
      "  uint64_t min, max;        /* valid values, inclusive */\n"
      "  const char *const *names; /* ENUM: value names; BITS: bit names; else NULL */\n"
      "  unsigned n_names;         /* entries in names */\n"
      "  size_t offset;            /* offsetof(isa_insn_t, <name>) */\n"
      "  unsigned size;            /* sizeof that member: 4 or 8 */\n"
      "  const char *eg;           /* example value, as assembly text */\n"
      "  const char *doc;          /* one line */\n"
      "} isa_field_info_t;\n\n"
      "typedef struct isa_slot {\n"
      "  isa_field_e field; /* which field */\n"
      "  unsigned lo, hi;   /* its bits in the word, inclusive */\n"
      "} isa_slot_t;\n\n"
      "#define ISA_MAX_SLOTS %d /* most fields of any instruction */\n\n"
      "typedef struct isa_op_info {\n"
      "  const char *name;                /* mnemonic */\n"
      "  unsigned opcode;                 /* bits 7..0 */\n"
      "  const char *group;               /* opcode group (isa/README.md) */\n"
      "  const char *doc;                 /* one line */\n"
      "  unsigned n_slots;                /* fields, in table (= assembly) order */\n"
      "  isa_slot_t slot[ISA_MAX_SLOTS];  /* where each sits */\n"
      "  uint64_t used[2];                /* bits owned by opcode and fields; the rest are reserved-zero */\n"
      "  uint64_t eg[2];                  /* encoding of the example (every field at its eg) */\n"
      "} isa_op_info_t;\n\n"
      "extern const isa_field_info_t isa_fields[ISA_F_COUNT];\n"
      "extern const isa_op_info_t isa_ops[ISA_OP_COUNT];\n"
      "/* opcode -> isa_op_e, ISA_OP_COUNT for an unassigned opcode */\n"
      "extern const uint16_t isa_opcode_op[256];\n\n"
      "#endif\n",
      max_slots);
}

/* ---- isa_gen.c ------------------------------------------------------------ */

static void gen_c(const tab_t *t, sb_t *b) {
  out(b, "/* isa_gen.c: generated from %s by isa/isagen.c -- do not edit.\n",
      t->base);
  out(b, " *\n * The tables behind isa/isa.c. */\n#include \"isa.h\"\n\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    if (!f->n_values) continue;
    out(b, "static const char *const isa_%s_names[] = {", f->name);
    for (int v = 0; v < f->n_values; v++)
      out(b, "%s\"%s\"", v ? ", " : "", f->value[v]);
    out(b, "};\n");
  }
  out(b, "\nconst isa_field_info_t isa_fields[ISA_F_COUNT] = {\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    char F[MAX_NAME], names[MAX_NAME + 16];
    upper(F, f->name, sizeof F);
    if (f->n_values) snprintf(names, sizeof names, "isa_%s_names", f->name);
    else snprintf(names, sizeof names, "NULL");
    out(b,
        "    [ISA_F_%s] = {\"%s\", %u, %s, %llu%s, %llu%s, %s, %d,\n"
        "                  offsetof(isa_insn_t, %s), sizeof(%s), \"%s\",\n"
        "                  \"%s\"},\n",
        F, f->name, f->width, kind_c[f->kind], (unsigned long long)f->min,
        csuffix(f->min), (unsigned long long)f->max, csuffix(f->max), names,
        f->n_values, f->name, f->width > 32 ? "uint64_t" : "uint32_t", f->eg,
        f->doc);
  }
  out(b, "};\n\nconst isa_op_info_t isa_ops[ISA_OP_COUNT] = {\n");
  for (int i = 0; i < t->n_insns; i++) {
    const insn_t *in = &t->insn[i];
    char O[MAX_NAME];
    upper(O, in->name, sizeof O);
    out(b, "    [ISA_OP_%s] = {\"%s\", 0x%02x, \"%s\",\n", O, in->name,
        in->opcode, t->group[in->group].name);
    out(b, "                   \"%s\",\n", in->doc);
    out(b, "                   %d,\n                   {", in->n_slots);
    for (int s = 0; s < in->n_slots; s++) {
      char F[MAX_NAME];
      upper(F, t->field[in->slot[s].field].name, sizeof F);
      out(b, "%s{ISA_F_%s, %u, %u}", s ? (s % 3 ? ", " : ",\n                    ") : "",
          F, in->slot[s].lo, in->slot[s].hi);
    }
    out(b, "},\n                   {0x%016llxull, 0x%016llxull},\n",
        (unsigned long long)in->used[0], (unsigned long long)in->used[1]);
    out(b, "                   {0x%016llxull, 0x%016llxull}},\n",
        (unsigned long long)in->eg[0], (unsigned long long)in->eg[1]);
  }
  out(b, "};\n\nconst uint16_t isa_opcode_op[256] = {\n");
  for (unsigned opc = 0; opc < 256; opc++) {
    const char *name = NULL;
    for (int i = 0; i < t->n_insns; i++)
      if (t->insn[i].opcode == opc) name = t->insn[i].name;
    char O[MAX_NAME + 8];
    if (name) {
      char U[MAX_NAME];
      upper(U, name, sizeof U);
      snprintf(O, sizeof O, "ISA_OP_%s", U);
    } else {
      snprintf(O, sizeof O, "ISA_OP_COUNT");
    }
    if (opc % 4 == 0) out(b, "   ");
    out(b, " [0x%02x] = %s,", opc, O);
    if (opc % 4 == 3) out(b, "\n");
  }
  out(b, "};\n");
}

/* ---- coda_isa.vh ---------------------------------------------------------- */

static void gen_vh(const tab_t *t, sb_t *b) {
  out(b, "// coda_isa.vh: generated from %s by isa/isagen.c -- do not edit.\n",
      t->base);
  out(b,
      "//\n"
      "// The coda instruction encoding for RTL: include it inside a module.\n"
      "// Names match the C side (isa/isa_gen.h): ISA_OPC_<OP> opcodes,\n"
      "// ISA_<OP>_<FIELD>_LSB/_MSB field positions in the 128-bit word,\n"
      "// ISA_F_<FIELD>_BITS widths, ISA_<PREFIX>_<VALUE> enum values and\n"
      "// ISA_<OP>_USED the bits an instruction owns (the rest are\n"
      "// reserved-zero).\n"
      "//\n"
      "// Include it once per module. There is deliberately no include guard:\n"
      "// `defines outlive the file that sets them, so a guard would hide these\n"
      "// localparams from every module after the first in a compilation unit.\n\n"
      "// Waiver: a module uses only the constants of the instructions it\n"
      "// handles, so the others are unused by design.\n"
      "/* verilator lint_off UNUSEDPARAM */\n\n");
  out(b, "localparam integer ISA_OPCODE_LSB = 0;\n");
  out(b, "localparam integer ISA_OPCODE_MSB = %d;\n\n", OPCODE_BITS - 1);
  for (int i = 0; i < t->n_insns; i++) {
    char O[MAX_NAME];
    upper(O, t->insn[i].name, sizeof O);
    out(b, "localparam [7:0] ISA_OPC_%s = 8'h%02x;\n", O, t->insn[i].opcode);
  }
  out(b, "\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    char F[MAX_NAME];
    upper(F, f->name, sizeof F);
    out(b, "localparam integer ISA_F_%s_BITS = %u;\n", F, f->width);
  }
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    if (!f->n_values) continue;
    out(b, "\n// %s: %s\n", f->name, f->doc);
    for (int v = 0; v < f->n_values; v++) {
      char V[MAX_NAME];
      upper(V, f->value[v], sizeof V);
      out(b, "localparam [%u:0] ISA_%s_%s = %u'd%u;\n", f->width - 1,
          f->prefix, V, f->width, f->kind == K_BITS ? 1u << v : (unsigned)v);
    }
    if (f->kind == K_ENUM)
      out(b, "localparam integer ISA_%s_COUNT = %d;\n", f->prefix,
          f->n_values);
  }
  for (int i = 0; i < t->n_insns; i++) {
    const insn_t *in = &t->insn[i];
    char O[MAX_NAME];
    upper(O, in->name, sizeof O);
    out(b, "\n// %s (0x%02x): %s\n", in->name, in->opcode, in->doc);
    for (int s = 0; s < in->n_slots; s++) {
      char F[MAX_NAME];
      upper(F, t->field[in->slot[s].field].name, sizeof F);
      out(b, "localparam integer ISA_%s_%s_LSB = %u;\n", O, F, in->slot[s].lo);
      out(b, "localparam integer ISA_%s_%s_MSB = %u;\n", O, F, in->slot[s].hi);
    }
    out(b, "localparam [127:0] ISA_%s_USED = 128'h%016llx%016llx;\n", O,
        (unsigned long long)in->used[1], (unsigned long long)in->used[0]);
  }
  out(b, "\n/* verilator lint_on UNUSEDPARAM */\n");
}

/* ---- README.md ------------------------------------------------------------ */

/* Pads s to w columns, centred. */
static void cell(sb_t *b, const char *s, int w) {
  int n = (int)strlen(s), l = (w - n) / 2;
  out(b, "%*s%s%*s", l, "", s, w - n - l, "");
}

/* The bit layout of one instruction, MSB left, as an ASCII box. */
static void layout(const tab_t *t, sb_t *b, const insn_t *in) {
  struct seg {
    unsigned hi, lo;
    const char *name;
  } seg[2 * MAX_SLOTS + 4];
  int n = 0;
  int top = WORD_BITS - 1;
  while (top >= OPCODE_BITS) {
    int best = -1;
    for (int s = 0; s < in->n_slots; s++)
      if ((int)in->slot[s].hi <= top &&
          (best < 0 || in->slot[s].hi > in->slot[best].hi))
        best = s;
    unsigned below = best >= 0 ? in->slot[best].hi : OPCODE_BITS - 1;
    if ((int)below < top) seg[n++] = (struct seg){(unsigned)top, below + 1, "0"};
    if (best < 0) break;
    seg[n++] = (struct seg){in->slot[best].hi, in->slot[best].lo,
                            t->field[in->slot[best].field].name};
    top = (int)in->slot[best].lo - 1;
  }
  seg[n++] = (struct seg){OPCODE_BITS - 1, 0, "opcode"};
  int w[2 * MAX_SLOTS + 4];
  char lab[2 * MAX_SLOTS + 4][16];
  for (int i = 0; i < n; i++) {
    if (seg[i].hi == seg[i].lo) snprintf(lab[i], sizeof lab[i], "%u", seg[i].hi);
    else snprintf(lab[i], sizeof lab[i], "%u..%u", seg[i].hi, seg[i].lo);
    int a = (int)strlen(lab[i]), c = (int)strlen(seg[i].name);
    w[i] = (a > c ? a : c) + 2;
  }
  out(b, "```\n");
  for (int i = 0; i < n; i++) {
    out(b, " ");
    cell(b, lab[i], w[i]);
  }
  while (!b->oom && b->n && b->s[b->n - 1] == ' ') b->n--;
  out(b, "\n");
  for (int r = 0; r < 3; r++) {
    for (int i = 0; i < n; i++) {
      if (r == 1) {
        out(b, "|");
        cell(b, seg[i].name, w[i]);
      } else {
        out(b, "+%.*s", w[i], "------------------------------------------");
      }
    }
    out(b, r == 1 ? "|\n" : "+\n");
  }
  out(b, "```\n");
}

/* `mnemonic field=<what>` for one instruction. */
static void syntax(const tab_t *t, sb_t *b, const insn_t *in, int example) {
  out(b, "%s", in->name);
  for (int s = 0; s < in->n_slots; s++) {
    const field_t *f = &t->field[in->slot[s].field];
    out(b, " %s=", f->name);
    if (example) {
      out(b, "%s", f->eg);
    } else if (f->kind == K_ENUM) {
      for (int v = 0; v < f->n_values; v++)
        out(b, "%s%s", v ? "|" : "", f->value[v]);
    } else if (f->kind == K_ADDR) {
      out(b, "ADDR");
    } else {
      out(b, "%llu..%llu", (unsigned long long)f->min,
          (unsigned long long)f->max);
    }
  }
}

static void gen_md(const tab_t *t, sb_t *b) {
  out(b, "<!-- generated from %s by isa/isagen.c -- do not edit. -->\n\n",
      t->base);
  out(b,
      "# The coda instruction set\n\n"
      "Generated from `%s` by `isa/isagen.c` (`make gen`); edit the table, "
      "not this page. What each instruction does is `docs/machine.md`.\n\n"
      "Every instruction is one 128-bit word. In memory and in `.cbin` files "
      "it is two little-endian 64-bit halves, bits 63..0 (`w[0]`) first, then "
      "bits 127..64 (`w[1]`). Bits 7..0 hold the opcode. Every bit no field "
      "of the instruction claims is **reserved and must be zero**: the "
      "decoder rejects a word with a reserved bit set, an unassigned opcode, "
      "or a field value outside its valid range.\n\n",
      t->base);

  out(b, "## Opcode map\n\n| opcodes | group | status | instructions |\n"
         "|---------|-------|--------|--------------|\n");
  for (int g = 0; g < t->n_groups; g++) {
    const group_t *gr = &t->group[g];
    out(b, "| 0x%02x..0x%02x | %s: %s | %s | ", gr->lo, gr->hi, gr->name,
        gr->doc, gr->reserved ? "reserved" : "in use");
    int any = 0;
    for (unsigned opc = gr->lo; opc <= gr->hi; opc++)
      for (int i = 0; i < t->n_insns; i++)
        if (t->insn[i].group == g && t->insn[i].opcode == opc)
          out(b, "%s`%s` 0x%02x", any++ ? ", " : "", t->insn[i].name, opc);
    out(b, "%s |\n", any ? "" : "--");
  }
  out(b, "\nOpcodes of an in-use group that no instruction takes are "
         "unassigned and decode as errors.\n\n");

  out(b, "## Fields\n\nA field name means one thing and has one width "
         "everywhere; it is the assembly keyword and the `isa_insn_t` "
         "member.\n\n| field | bits | kind | valid values | example | meaning |\n"
         "|-------|------|------|--------------|---------|---------|\n");
  for (int i = 0; i < t->n_fields; i++) {
    const field_t *f = &t->field[i];
    out(b, "| `%s` | %u | %s | ", f->name, f->width, kind_name[f->kind]);
    if (f->kind == K_ENUM) {
      for (int v = 0; v < f->n_values; v++)
        out(b, "%s%d `%s`", v ? ", " : "", v, f->value[v]);
    } else if (f->kind == K_BITS) {
      for (int v = 0; v < f->n_values; v++)
        out(b, "%sbit %d `%s`", v ? ", " : "", v, f->value[v]);
    } else {
      out(b, "%llu..%llu%s", (unsigned long long)f->min,
          (unsigned long long)f->max,
          f->max == width_max(f->width) && f->min == 0 ? "" : " (checked)");
    }
    out(b, " | `%s` | %s |\n", f->eg, f->doc);
  }

  out(b, "\n## Instructions\n\n"
         "Each layout shows bit numbers above the field names, bit 127 on "
         "the left; `0` marks reserved bits.\n");
  for (int i = 0; i < t->n_insns; i++) {
    const insn_t *in = &t->insn[i];
    out(b, "\n### `%s` (0x%02x, group %s)\n\n%c%s.\n\n", in->name, in->opcode,
        t->group[in->group].name, toupper((unsigned char)in->doc[0]),
        in->doc + 1);
    layout(t, b, in);
    out(b, "\nSyntax: `");
    syntax(t, b, in, 0);
    out(b, "`\n\nExample: `");
    syntax(t, b, in, 1);
    out(b, "` encodes to `w[1]=0x%016llx w[0]=0x%016llx`.\n",
        (unsigned long long)in->eg[1], (unsigned long long)in->eg[0]);
  }

  out(b,
      "\n## Assembly\n\n"
      "`isa_format` prints and `isa_parse_line` reads one instruction per "
      "line: the mnemonic, then `field=value` for **every** field of the "
      "instruction, each exactly once, separated by blanks. Values are "
      "decimal or `0x` hex (no sign, no overflow); enum fields take their "
      "value names; addresses are printed in hex. `;` or `#` starts a "
      "comment. Errors read `origin:LINE: mnemonic: field 'x': expected "
      "...`.\n\n"
      "A program (`isa_asm_program` / `isa_disasm_program`, isa/asm.h) adds "
      "directives:\n\n"
      "| directive | meaning |\n|-----------|---------|\n"
      "| `.arch NAME` | config the program was compiled for (`cbin_t.arch_name`) |\n"
      "| `.workload NAME` | workload it came from |\n"
      "| `.dram_bytes N` | DRAM footprint |\n"
      "| `.layer key=value ...` | starts a layer (`cbin_layer_t`) at the "
      "next instruction; it runs until the next `.layer`, `.endlayer` or the "
      "end. Keys: every member except `first_insn`, `n_insn` and `pad2`, "
      "each exactly once; `core` is `lut` or `mac`, `atype`/`acct`/`ewop` "
      "take the names above, `dist` is a `datagen_dist_e` number |\n"
      "| `.endlayer` | ends the current layer here (for instructions that "
      "belong to no layer) |\n\n"
      "NAME is a bare word or a \"quoted string\" (`\\\\`, `\\\"` and `\\xHH` "
      "escapes). Data segments cannot be written as text; the disassembler "
      "says in a comment how many it dropped.\n\n"
      "```\n.arch \"lut_tc\"\n.workload \"example\"\n.dram_bytes 0x200000\n");
  out(b, ".layer name=\"L0.example\" m=64 n=256 k=512 kp=512 core=lut "
         "atype=int8 wbits=2 acct=int32 ewop=none fused=0 tq=0 dist=0 "
         "a_addr=0x0 w_addr=0x8000 z_addr=0x18000 c_addr=0x18100 seed=1 "
         "repeat=1\n");
  for (int i = 0; i < t->n_insns; i++) {
    syntax(t, b, &t->insn[i], 1);
    out(b, "\n");
  }
  out(b, "```\n");
}

/* ---- files ---------------------------------------------------------------- */

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  while (s) {
    n += fread(s + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    char *g = realloc(s, cap * 2);
    if (!g) {
      free(s);
      s = NULL;
      break;
    }
    s = g;
    cap *= 2;
  }
  if (s && ferror(f)) {
    free(s);
    s = NULL;
  }
  fclose(f);
  if (s) s[n] = 0;
  return s;
}

/* mkdir -p of path's directory part. */
static int make_dirs(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    int rc = mkdir(path, 0777);
    *p = '/';
    if (rc && errno != EEXIST) return -1;
  }
  return 0;
}

static int write_out(const char *dir, const char *rel, const sb_t *b) {
  char path[4096];
  if (b->oom) {
    fprintf(stderr, "isagen: out of memory\n");
    return -1;
  }
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  if (make_dirs(path)) {
    fprintf(stderr, "isagen: %s: %s\n", path, strerror(errno));
    return -1;
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(b->s, 1, b->n, f) != b->n || fclose(f)) {
    fprintf(stderr, "isagen: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int check_only = argc == 3 && !strcmp(argv[1], "--check");
  if (!check_only && (argc != 3 || argv[1][0] == '-')) {
    fprintf(stderr, "usage: isagen TABLE OUTDIR | isagen --check TABLE\n");
    return 2;
  }
  const char *path = argv[check_only ? 2 : 1];
  char *text = read_file(path);
  if (!text) {
    fprintf(stderr, "isagen: %s: cannot read: %s\n", path, strerror(errno));
    return 2;
  }
  tab_t *t = calloc(1, sizeof *t);
  if (!t) {
    fprintf(stderr, "isagen: out of memory\n");
    free(text);
    return 2;
  }
  t->path = path;
  const char *slash = strrchr(path, '/');
  snprintf(t->base, sizeof t->base, "isa/%s", slash ? slash + 1 : path);
  int rc = parse_table(t, text) ? 1 : 0;
  if (!rc && !check_only) {
    static const char *const rel[] = {"isa/isa_gen.h", "isa/isa_gen.c",
                                      "rtl/include/coda_isa.vh",
                                      "isa/README.md"};
    static void (*const gen[])(const tab_t *, sb_t *) = {gen_h, gen_c, gen_vh,
                                                         gen_md};
    for (int i = 0; i < 4 && !rc; i++) {
      sb_t b = {0};
      gen[i](t, &b);
      if (write_out(argv[2], rel[i], &b)) rc = 2;
      free(b.s);
    }
  }
  free(t);
  free(text);
  return rc;
}

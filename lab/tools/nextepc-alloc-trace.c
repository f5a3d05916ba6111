/*
 * nextepc-alloc-trace.c: a debugging aid for the lab, not used by the tests. Counts NextEPC
 * packet buffers and core_malloc blocks still held, by the call site that allocated them, so a
 * pool that runs dry ("Can't allocate clbuf") can be traced to its holder. It is how
 * lab/nextepc-pools/larger-pools.patch found that the MME keeps every detached UE's context.
 *
 *   gcc -shared -fPIC -O1 -o nextepc-alloc-trace.so nextepc-alloc-trace.c -ldl -lpthread
 *   LD_PRELOAD="<shim> ./nextepc-alloc-trace.so" nextepc-mmed -f ...   (an MME built with -g)
 *   kill -USR2 <pid>     # writes /tmp/nextepc-alloc-trace.txt: count, address, symbol, offset
 *   addr2line -f -i -e <binary or library> <offset>
 *
 * Calls made inside pkbuf_alloc/core_malloc themselves are not counted twice (per-thread depth).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

typedef struct pkbuf pkbuf_t;
static pkbuf_t *(*real_alloc)(uint16_t, uint16_t);
static void (*real_free)(pkbuf_t *);
static pkbuf_t *(*real_copy)(pkbuf_t *);
static void *(*r_malloc)(size_t); static void *(*r_calloc)(size_t, size_t); static void *(*r_realloc)(void *, size_t);
static char *(*r_strdup)(const char *); static int (*r_free)(void *);
static __thread int depth;
#define N 65536
static struct { void *p; void *site; } live[N];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void put(void *p, void *site) {
    pthread_mutex_lock(&mu);
    for (int i = 0; i < N; i++) if (!live[i].p) { live[i].p = p; live[i].site = site; break; }
    pthread_mutex_unlock(&mu);
}
static void del(void *p) {
    pthread_mutex_lock(&mu);
    for (int i = 0; i < N; i++) if (live[i].p == p) { live[i].p = 0; break; }
    pthread_mutex_unlock(&mu);
}
static void dump(int sig) {
    (void)sig;
    FILE *f = fopen("/tmp/nextepc-alloc-trace.txt", "w");
    if (!f) return;
    pthread_mutex_lock(&mu);
    static void *sites[4096]; static int counts[4096]; int ns = 0;
    for (int i = 0; i < N; i++) if (live[i].p) {
        int j; for (j = 0; j < ns; j++) if (sites[j] == live[i].site) break;
        if (j == ns && ns < 4096) { sites[ns] = live[i].site; counts[ns] = 0; ns++; }
        if (j < 4096) counts[j]++;
    }
    pthread_mutex_unlock(&mu);
    for (int j = 0; j < ns; j++) {
        Dl_info di; memset(&di, 0, sizeof di); dladdr(sites[j], &di);
        fprintf(f, "%d %p %s+%#lx %s %#lx\n", counts[j], sites[j], di.dli_sname ? di.dli_sname : "?",
                (unsigned long)((char *)sites[j] - (char *)di.dli_saddr), di.dli_fname ? di.dli_fname : "?",
                (unsigned long)((char *)sites[j] - (char *)di.dli_fbase));
    }
    fclose(f);
}
__attribute__((constructor)) static void init(void) {
    real_alloc = dlsym(RTLD_NEXT, "pkbuf_alloc");
    real_free = dlsym(RTLD_NEXT, "pkbuf_free");
    real_copy = dlsym(RTLD_NEXT, "pkbuf_copy");
    r_malloc = dlsym(RTLD_NEXT, "core_malloc"); r_calloc = dlsym(RTLD_NEXT, "core_calloc");
    r_realloc = dlsym(RTLD_NEXT, "core_realloc"); r_strdup = dlsym(RTLD_NEXT, "core_strdup"); r_free = dlsym(RTLD_NEXT, "core_free");
    signal(SIGUSR2, dump);
}
pkbuf_t *pkbuf_alloc(uint16_t h, uint16_t l) {
    depth++; pkbuf_t *p = real_alloc(h, l); depth--;
    if (p && depth == 0) put(p, __builtin_return_address(0));
    return p;
}
pkbuf_t *pkbuf_copy(pkbuf_t *s) {
    pkbuf_t *p = real_copy(s);
    if (p) put(p, __builtin_return_address(0));
    return p;
}
void pkbuf_free(pkbuf_t *p) {
    if (p && depth == 0) del(p);
    depth++; real_free(p); depth--;
}

#define WRAP(call, rec) do { depth++; void *p = (void *)(call); depth--; if (p && depth == 0) rec; return p; } while (0)
void *core_malloc(size_t n) { depth++; void *p = r_malloc(n); depth--; if (p && depth == 0) put(p, __builtin_return_address(0)); return p; }
void *core_calloc(size_t a, size_t b) { depth++; void *p = r_calloc(a, b); depth--; if (p && depth == 0) put(p, __builtin_return_address(0)); return p; }
char *core_strdup(const char *x) { depth++; char *p = r_strdup(x); depth--; if (p && depth == 0) put(p, __builtin_return_address(0)); return p; }
void *core_realloc(void *o, size_t n) { depth++; void *p = r_realloc(o, n); depth--; if (depth == 0) { if (o) del(o); if (p) put(p, __builtin_return_address(0)); } return p; }
int core_free(void *p) { if (p && depth == 0) del(p); depth++; int r = r_free(p); depth--; return r; }

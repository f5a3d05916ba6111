/*
 * sctp_over_tcp.c - LD_PRELOAD shim: run an SCTP (one-to-one style) user of
 * libsctp over plain TCP with 4-byte big-endian length framing.
 *
 * Why: the CI kernel has no SCTP (socket(..., IPPROTO_SCTP) fails with
 * EPROTONOSUPPORT), but NextEPC 0.3.10's MME insists on S1AP over SCTP.
 * Our eNodeB simulator speaks "framed S1AP over TCP": every S1AP PDU is
 * preceded by its length as a 4-byte big-endian integer.
 *
 * What NextEPC 0.3.10 does on an S1AP socket (lib/core/src/unix/sctp.c,
 * src/mme/s1ap_sctp.c; confirmed with strace on the Debian binary):
 *   socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)
 *   setsockopt(IPPROTO_SCTP, SCTP_EVENTS)            subscribe to notifications
 *   getsockopt + setsockopt(SCTP_PEER_ADDR_PARAMS)   heartbeat 5 s
 *   getsockopt + setsockopt(SCTP_RTOINFO)            RTO 3/1/5 s
 *   getsockopt + setsockopt(SCTP_INITMSG)            num_ostreams from config
 *   setsockopt(SOL_SOCKET, SO_REUSEADDR), bind, listen, accept, fcntl(O_NONBLOCK)
 *   sctp_recvmsg() / sctp_sendmsg() from libsctp.so.1 (imported by libcore),
 *   select() for readiness, close() to drop an eNB.
 * The MME releases an eNB when sctp_recvmsg() returns a notification
 * (MSG_NOTIFICATION) of type SCTP_ASSOC_CHANGE with state SCTP_SHUTDOWN_COMP
 * or SCTP_COMM_LOST, or of type SCTP_SHUTDOWN_EVENT; it then closes the fd.
 * It learns the outbound stream count from SCTP_ASSOC_CHANGE/SCTP_COMM_UP.
 *
 * Emulation (RFC 6458 semantics for a one-to-one style socket):
 *   - socket(): IPPROTO_SCTP with SOCK_STREAM or SOCK_SEQPACKET becomes a TCP
 *     stream socket with TCP_NODELAY (SCTP sends each message at once; Nagle
 *     would delay small S1AP PDUs). The fd is marked in a table. SEQPACKET is
 *     mapped too, but only its one-to-one subset works (connect/accept);
 *     one-to-many servers (recvmsg on the listening socket) are NOT emulated.
 *   - setsockopt(IPPROTO_SCTP, *): succeeds without effect, except that
 *     SCTP_EVENTS and SCTP_INITMSG are remembered so that notifications are
 *     only generated when subscribed and stream counts can be reported.
 *   - getsockopt(IPPROTO_SCTP, *): returns Linux's defaults (or what was set)
 *     for INITMSG, RTOINFO, PEER_ADDR_PARAMS, STATUS, EVENTS, NODELAY;
 *     zeroes for any other option. Always succeeds on marked fds.
 *   - accept()/accept4(): the new fd inherits the mark and the settings, and,
 *     like the kernel, queues an SCTP_COMM_UP notification (if association
 *     events are subscribed) that the first sctp_recvmsg() returns.
 *   - connect(): same COMM_UP notification for the client side.
 *   - sctp_sendmsg(): one framed write (length + payload) with the whole frame
 *     written even on a non-blocking fd (partial writes, EINTR, EAGAIN are
 *     retried; SCTP sends a message atomically, a half-written frame would
 *     desynchronise the stream). ppid/stream/ttl/context are not carried.
 *     SCTP_EOF -> shutdown(SHUT_WR), SCTP_ABORT -> shutdown(SHUT_RDWR).
 *   - sctp_recvmsg(): returns one frame. If the caller's buffer is smaller
 *     than the frame, it returns the first part without MSG_EOR and the rest
 *     on later calls, like SCTP's partial delivery. With MSG_EOR set on the
 *     last part. sinfo: stream 0, ppid = htonl(18) (S1AP; env
 *     SCTP_OVER_TCP_PPID overrides) in network byte order as libsctp gives it.
 *   - Peer's orderly close (read returns 0 at a frame boundary) is reported as
 *     SCTP_ASSOC_CHANGE / SCTP_SHUTDOWN_COMP; a reset, a close in the middle of
 *     a frame or an impossible frame length as SCTP_ASSOC_CHANGE /
 *     SCTP_COMM_LOST. Both with MSG_NOTIFICATION|MSG_EOR, as Linux sets them.
 *     If association events are not subscribed, sctp_recvmsg returns 0 (EOF),
 *     as a one-to-one SCTP socket does.
 *   - sctp_bindx(): bind() to the first address (TCP cannot be multi-homed).
 *     sctp_connectx(): connect() to the addresses in turn until one works.
 *     (Only freeDiameter's SCTP code imports these; the lab runs it No_SCTP.)
 *   - close(): unmarks. Calls on fds that are not marked go to the real
 *     libc / libsctp functions untouched.
 *
 * Not thread-safe per fd (neither is a real SCTP message stream shared by two
 * readers); the mark table itself uses relaxed atomics.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FDS 65536
/* Largest frame we accept; S1AP PDUs are far smaller. A bigger length means
 * the peer is not speaking our framing; treat it as a broken association. */
#define MAX_FRAME (1u << 20)
/* How long to wait for the rest of a frame once part of it was moved. */
#define IO_TIMEOUT_MS 10000
#define S1AP_PPID 18

/* SCTP_OVER_TCP_DEBUG=1: one stderr line per emulated call, to see what an
 * application really asks of SCTP (the kernel never sees these calls). */
static void dbg(const char *fmt, ...)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("SCTP_OVER_TCP_DEBUG");
        on = e && *e && *e != '0';
    }
    if (!on)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "sctp-over-tcp[%d]: %s\n", (int)getpid(), line);
}

enum pending { PEND_NONE, PEND_COMM_UP };

struct fdstate {
    unsigned char sctp;        /* fd is an emulated SCTP socket */
    unsigned char pending;     /* notification to deliver before any data */
    unsigned char eof;         /* end of association already reported */
    unsigned char assoc_ev;    /* SCTP_EVENTS: sctp_association_event */
    uint16_t ostreams, instreams; /* SCTP_INITMSG as set (Linux defaults) */
    uint32_t remaining;        /* bytes of the current frame not yet returned */
};

static struct fdstate fds[MAX_FDS];

static struct fdstate *st(int fd)
{
    if (fd < 0 || fd >= MAX_FDS || !__atomic_load_n(&fds[fd].sctp, __ATOMIC_RELAXED))
        return NULL;
    return &fds[fd];
}

static void unmark(int fd)
{
    if (fd >= 0 && fd < MAX_FDS) {
        __atomic_store_n(&fds[fd].sctp, 0, __ATOMIC_RELAXED);
    }
}

static void mark(int fd, const struct fdstate *inherit)
{
    struct fdstate s = {0};
    if (fd < 0 || fd >= MAX_FDS)
        return;
    if (inherit) {
        s = *inherit;
    } else {
        /* Linux defaults: 10 outbound streams, 65535 inbound. */
        s.ostreams = 10;
        s.instreams = 65535;
    }
    s.pending = PEND_NONE;
    s.eof = 0;
    s.remaining = 0;
    s.sctp = 0;
    fds[fd] = s;
    __atomic_store_n(&fds[fd].sctp, 1, __ATOMIC_RELAXED);
}

/* Next definition of a symbol, i.e. the one in libc or libsctp. */
#define REAL(name) \
    static __typeof__(name) *real_##name; \
    if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static void nodelay(int fd)
{
    int one = 1;
    REAL(setsockopt);
    real_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* ---------- socket lifetime ---------- */

int socket(int domain, int type, int protocol)
{
    REAL(socket);
    int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (protocol == IPPROTO_SCTP && (domain == AF_INET || domain == AF_INET6) &&
        (kind == SOCK_STREAM || kind == SOCK_SEQPACKET)) {
        int fd = real_socket(domain, SOCK_STREAM | (type & (SOCK_NONBLOCK | SOCK_CLOEXEC)),
                             IPPROTO_TCP);
        if (fd >= 0) {
            nodelay(fd);
            mark(fd, NULL);
        }
        dbg("socket(%d, %d, IPPROTO_SCTP) -> TCP fd %d", domain, type, fd);
        return fd;
    }
    int fd = real_socket(domain, type, protocol);
    unmark(fd); /* in case a marked fd was closed behind our back (libc-internal close) */
    return fd;
}

int close(int fd)
{
    REAL(close);
    if (st(fd))
        dbg("close(%d) (marked)", fd);
    unmark(fd);
    return real_close(fd);
}

static int after_accept(int lfd, int nfd)
{
    struct fdstate *l = st(lfd);
    if (nfd < 0)
        return nfd;
    if (!l) {
        unmark(nfd);
        return nfd;
    }
    nodelay(nfd);
    mark(nfd, l);
    dbg("accept(%d) -> fd %d (marked)", lfd, nfd);
    /* RFC 6458 6.1.1: the accepted one-to-one socket reports COMM_UP. */
    if (l->assoc_ev)
        fds[nfd].pending = PEND_COMM_UP;
    return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    REAL(accept);
    return after_accept(fd, real_accept(fd, addr, len));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    REAL(accept4);
    return after_accept(fd, real_accept4(fd, addr, len, flags));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    REAL(connect);
    int rc = real_connect(fd, addr, len);
    struct fdstate *s = st(fd);
    if (s && s->assoc_ev && (rc == 0 || errno == EINPROGRESS))
        s->pending = PEND_COMM_UP;
    return rc;
}

/* ---------- socket options ---------- */

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    REAL(setsockopt);
    struct fdstate *s = st(fd);
    if (!s || level != IPPROTO_SCTP)
        return real_setsockopt(fd, level, name, val, len);
    dbg("setsockopt(%d, IPPROTO_SCTP, %d, len %u) -> 0 (emulated)", fd, name, (unsigned)len);
    /* Remember what changes our behaviour; everything else (RTO, heartbeat,
     * retransmissions...) has no TCP counterpart worth emulating. */
    if (name == SCTP_EVENTS && val && len >= 2) {
        /* byte 1 of struct sctp_event_subscribe is sctp_association_event;
         * older binaries pass a shorter struct, so do not insist on sizeof. */
        s->assoc_ev = ((const unsigned char *)val)[1];
    } else if (name == SCTP_INITMSG && val && len >= sizeof(struct sctp_initmsg)) {
        const struct sctp_initmsg *im = val;
        if (im->sinit_num_ostreams)
            s->ostreams = im->sinit_num_ostreams;
        if (im->sinit_max_instreams)
            s->instreams = im->sinit_max_instreams;
    }
    return 0;
}

static int connected(int fd, struct sockaddr_storage *ss, socklen_t *sl)
{
    *sl = sizeof *ss;
    return getpeername(fd, (struct sockaddr *)ss, sl) == 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    REAL(getsockopt);
    struct fdstate *s = st(fd);
    if (!s || level != IPPROTO_SCTP)
        return real_getsockopt(fd, level, name, val, len);
    if (!val || !len) {
        errno = EFAULT;
        return -1;
    }
    socklen_t need;
    switch (name) {
    case SCTP_INITMSG: {
        struct sctp_initmsg im = {.sinit_num_ostreams = s->ostreams,
                                  .sinit_max_instreams = s->instreams,
                                  .sinit_max_attempts = 8,
                                  .sinit_max_init_timeo = 60000};
        need = sizeof im;
        if (*len < need) goto inval;
        memcpy(val, &im, need);
        break;
    }
    case SCTP_RTOINFO: {
        struct sctp_rtoinfo r = {.srto_initial = 3000, .srto_max = 60000, .srto_min = 1000};
        need = sizeof r;
        if (*len < need) goto inval;
        memcpy(val, &r, need);
        break;
    }
    case SCTP_PEER_ADDR_PARAMS: {
        struct sctp_paddrparams p;
        need = sizeof p;
        if (*len < need) goto inval;
        memset(&p, 0, sizeof p);
        p.spp_hbinterval = 30000;
        p.spp_pathmaxrxt = 5;
        p.spp_sackdelay = 200;
        p.spp_flags = SPP_HB_ENABLE | SPP_PMTUD_ENABLE | SPP_SACKDELAY_ENABLE;
        memcpy(val, &p, need);
        break;
    }
    case SCTP_STATUS: {
        struct sctp_status ss;
        struct sockaddr_storage peer;
        socklen_t pl;
        need = sizeof ss;
        if (*len < need) goto inval;
        memset(&ss, 0, sizeof ss);
        if (connected(fd, &peer, &pl)) {
            ss.sstat_state = SCTP_ESTABLISHED;
            memcpy(&ss.sstat_primary.spinfo_address, &peer, pl);
            ss.sstat_primary.spinfo_state = SCTP_ACTIVE;
        } else {
            ss.sstat_state = SCTP_CLOSED;
        }
        ss.sstat_instrms = s->instreams;
        ss.sstat_outstrms = s->ostreams;
        ss.sstat_fragmentation_point = 1452;
        memcpy(val, &ss, need);
        break;
    }
    case SCTP_EVENTS: {
        struct sctp_event_subscribe ev = {.sctp_association_event = s->assoc_ev};
        need = *len < sizeof ev ? *len : sizeof ev;
        memcpy(val, &ev, need);
        break;
    }
    case SCTP_NODELAY: {
        int one = 1;
        need = sizeof one;
        if (*len < need) goto inval;
        memcpy(val, &one, need);
        break;
    }
    default:
        need = *len;
        memset(val, 0, need);
        break;
    }
    *len = need;
    dbg("getsockopt(%d, IPPROTO_SCTP, %d) -> 0 (emulated, %u bytes)", fd, name, (unsigned)need);
    return 0;
inval:
    errno = EINVAL;
    return -1;
}

/* ---------- multi-address helpers (freeDiameter's SCTP code) ---------- */

static socklen_t salen(const struct sockaddr *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

int sctp_bindx(int sd, struct sockaddr *addrs, int addrcnt, int flags)
{
    REAL(sctp_bindx);
    if (!st(sd)) {
        if (!real_sctp_bindx) { errno = ENOSYS; return -1; }
        return real_sctp_bindx(sd, addrs, addrcnt, flags);
    }
    if (flags != SCTP_BINDX_ADD_ADDR || addrcnt < 1) {
        /* Removing addresses from a TCP socket is meaningless. */
        errno = EINVAL;
        return -1;
    }
    /* TCP binds one address; the others of a multi-homed set are dropped. */
    return bind(sd, addrs, salen(addrs));
}

int sctp_connectx(int sd, struct sockaddr *addrs, int addrcnt, sctp_assoc_t *id)
{
    REAL(sctp_connectx);
    if (!st(sd)) {
        if (!real_sctp_connectx) { errno = ENOSYS; return -1; }
        return real_sctp_connectx(sd, addrs, addrcnt, id);
    }
    /* The packed address array (RFC 6458 9.9) is walked until one connects. */
    char *p = (char *)addrs;
    int rc = -1;
    for (int i = 0; i < addrcnt; i++) {
        struct sockaddr *sa = (struct sockaddr *)p;
        rc = connect(sd, sa, salen(sa));
        if (rc == 0 || errno == EINPROGRESS)
            break;
        p += salen(sa);
    }
    if (id && (rc == 0 || errno == EINPROGRESS))
        *id = (sctp_assoc_t)sd;
    return rc;
}

/* ---------- data path ---------- */

/* Wait for fd to become ready; 0 on ready, -1 on timeout/error. */
static int wait_fd(int fd, short ev)
{
    struct pollfd p = {.fd = fd, .events = ev};
    int rc;
    do {
        rc = poll(&p, 1, IO_TIMEOUT_MS);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0)
        errno = ETIMEDOUT;
    return rc > 0 ? 0 : -1;
}

int sctp_sendmsg(int s, const void *msg, size_t len, struct sockaddr *to,
                 socklen_t tolen, uint32_t ppid, uint32_t flags,
                 uint16_t stream_no, uint32_t timetolive, uint32_t context)
{
    REAL(sctp_sendmsg);
    if (!st(s)) {
        if (!real_sctp_sendmsg) { errno = ENOSYS; return -1; }
        return real_sctp_sendmsg(s, msg, len, to, tolen, ppid, flags, stream_no,
                                 timetolive, context);
    }
    (void)to; (void)tolen; (void)ppid; (void)stream_no; (void)timetolive; (void)context;
    if (flags & SCTP_ABORT)
        return shutdown(s, SHUT_RDWR) == 0 ? 0 : -1;
    if (flags & SCTP_EOF)
        return shutdown(s, SHUT_WR) == 0 ? 0 : -1;
    if (len == 0 || len > MAX_FRAME) {
        errno = EMSGSIZE; /* SCTP rejects both; our peer would too */
        return -1;
    }
    uint32_t be = htonl((uint32_t)len);
    struct iovec iov[2] = {{&be, 4}, {(void *)msg, len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    size_t left = 4 + len;
    while (left > 0) {
        /* MSG_NOSIGNAL: a vanished eNB must give EPIPE, not kill the MME. */
        ssize_t n = sendmsg(s, &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* Nothing sent yet: report EAGAIN like SCTP would. Once part
                 * of the frame is out, it must be completed. */
                if (left == 4 + len)
                    return -1;
                if (wait_fd(s, POLLOUT) == 0)
                    continue;
            }
            if (left != 4 + len)
                shutdown(s, SHUT_RDWR); /* stream is torn mid-frame */
            return -1;
        }
        left -= (size_t)n;
        /* Advance the iovecs past what was written. */
        while (n > 0 && mh.msg_iovlen > 0) {
            if ((size_t)n >= mh.msg_iov->iov_len) {
                n -= (ssize_t)mh.msg_iov->iov_len;
                mh.msg_iov++;
                mh.msg_iovlen--;
            } else {
                mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
                mh.msg_iov->iov_len -= (size_t)n;
                n = 0;
            }
        }
    }
    dbg("sctp_sendmsg(%d, %zu bytes, ppid %u, stream %u) -> framed", s, len, ntohl(ppid),
        (unsigned)stream_no);
    return (int)len;
}

/* Read exactly len bytes. started: some bytes of this frame were already
 * consumed, so EAGAIN means "wait", not "return". Returns len, 0 on EOF
 * before the first byte, -1 on error (errno set). */
static ssize_t read_full(int fd, void *buf, size_t len, int started)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, (char *)buf + got, len - got, 0);
        if (n > 0) {
            got += (size_t)n;
            continue;
        }
        if (n == 0) {
            if (got == 0 && !started)
                return 0;
            errno = ECONNRESET; /* EOF inside a frame */
            return -1;
        }
        if (errno == EINTR)
            continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && (got > 0 || started)) {
            if (wait_fd(fd, POLLIN) == 0)
                continue;
            errno = ECONNRESET;
        }
        return -1;
    }
    return (ssize_t)got;
}

/* Build an SCTP_ASSOC_CHANGE notification in the caller's buffer. */
static int notify(struct fdstate *s, int fd, void *msg, size_t len, int state, int *msg_flags)
{
    struct sctp_assoc_change ac;
    memset(&ac, 0, sizeof ac);
    ac.sac_type = SCTP_ASSOC_CHANGE;
    ac.sac_length = sizeof ac;
    ac.sac_state = (uint16_t)state;
    ac.sac_outbound_streams = s->ostreams;
    ac.sac_inbound_streams = s->instreams;
    ac.sac_assoc_id = (sctp_assoc_t)fd;
    size_t n = len < sizeof ac ? len : sizeof ac;
    memcpy(msg, &ac, n);
    if (msg_flags)
        *msg_flags = MSG_NOTIFICATION | (n == sizeof ac ? MSG_EOR : 0);
    dbg("sctp_recvmsg(%d) -> SCTP_ASSOC_CHANGE state %d (notification)", fd, state);
    return (int)n;
}

/* Association ended: report it once as a notification, then plain EOF. */
static int assoc_end(struct fdstate *s, int fd, void *msg, size_t len, int state, int *msg_flags)
{
    int first = !s->eof;
    s->eof = 1;
    s->remaining = 0;
    if (first && s->assoc_ev)
        return notify(s, fd, msg, len, state, msg_flags);
    if (msg_flags)
        *msg_flags = 0;
    return 0;
}

static uint32_t ppid_host(void)
{
    static uint32_t ppid;
    if (!ppid) {
        const char *e = getenv("SCTP_OVER_TCP_PPID");
        ppid = e && *e ? (uint32_t)strtoul(e, NULL, 0) : S1AP_PPID;
    }
    return ppid;
}

int sctp_recvmsg(int s, void *msg, size_t len, struct sockaddr *from,
                 socklen_t *fromlen, struct sctp_sndrcvinfo *sinfo, int *msg_flags)
{
    REAL(sctp_recvmsg);
    struct fdstate *f = st(s);
    if (!f) {
        if (!real_sctp_recvmsg) { errno = ENOSYS; return -1; }
        return real_sctp_recvmsg(s, msg, len, from, fromlen, sinfo, msg_flags);
    }
    if (msg_flags)
        *msg_flags = 0;
    if (from && fromlen) {
        if (getpeername(s, from, fromlen) < 0)
            *fromlen = 0;
    }
    if (f->pending == PEND_COMM_UP) {
        f->pending = PEND_NONE;
        return notify(f, s, msg, len, SCTP_COMM_UP, msg_flags);
    }
    if (f->eof)
        return 0;

    int started = f->remaining > 0;
    if (!started) {
        uint32_t be;
        ssize_t n = read_full(s, &be, 4, 0);
        if (n == 0)
            return assoc_end(f, s, msg, len, SCTP_SHUTDOWN_COMP, msg_flags);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return -1; /* nothing there yet; same as an empty SCTP queue */
            return assoc_end(f, s, msg, len, SCTP_COMM_LOST, msg_flags);
        }
        uint32_t flen = ntohl(be);
        if (flen == 0 || flen > MAX_FRAME) {
            shutdown(s, SHUT_RDWR); /* not our framing: drop the association */
            return assoc_end(f, s, msg, len, SCTP_COMM_LOST, msg_flags);
        }
        f->remaining = flen;
    }
    size_t want = f->remaining < len ? f->remaining : len;
    if (want == 0) {
        errno = EINVAL; /* zero-sized buffer */
        return -1;
    }
    /* The header (or an earlier part) was consumed: the body must follow. */
    ssize_t n = read_full(s, msg, want, 1);
    if (n < 0)
        return assoc_end(f, s, msg, len, SCTP_COMM_LOST, msg_flags);
    f->remaining -= (uint32_t)n;
    if (sinfo) {
        memset(sinfo, 0, sizeof *sinfo);
        sinfo->sinfo_stream = 0;
        sinfo->sinfo_ppid = htonl(ppid_host()); /* network order, as on the wire */
        sinfo->sinfo_assoc_id = (sctp_assoc_t)s;
    }
    if (msg_flags && f->remaining == 0)
        *msg_flags = MSG_EOR;
    dbg("sctp_recvmsg(%d) -> %d bytes%s", s, (int)n, f->remaining ? "" : " MSG_EOR");
    return (int)n;
}

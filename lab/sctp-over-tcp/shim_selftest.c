/*
 * shim_selftest.c - exercises libsctp_over_tcp.so the way NextEPC 0.3.10's
 * libcore uses libsctp, against a plain framed-TCP peer (what the eNodeB
 * simulator will be). Run with LD_PRELOAD=.../libsctp_over_tcp.so.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
#define CHECK(cond, ...) do { \
    if (cond) { passed++; } \
    else { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
           fprintf(stderr, __VA_ARGS__); fprintf(stderr, " (errno %d %s)\n", errno, strerror(errno)); } \
} while (0)

#define BIG (512 * 1024)   /* big enough to force partial writes */

/* ---- the framed-TCP peer (plain TCP, not through the shim's SCTP path) ---- */
static void writeall(int fd, const void *b, size_t n)
{
    const char *p = b;
    while (n) { ssize_t w = write(fd, p, n); if (w <= 0) exit(10); p += w; n -= (size_t)w; }
}
static void readall(int fd, void *b, size_t n)
{
    char *p = b;
    while (n) { ssize_t r = read(fd, p, n); if (r <= 0) exit(11); p += r; n -= (size_t)r; }
}
static void peer(uint16_t port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c, (struct sockaddr *)&a, sizeof a)) exit(12);
    /* frame 1: "hello", header split across two writes */
    unsigned char h[4] = {0, 0, 0, 5};
    writeall(c, h, 2); usleep(50000); writeall(c, h + 2, 2); writeall(c, "hello", 5);
    /* frame 2: 300 bytes, to be read with a 100-byte buffer */
    unsigned char f2[304]; f2[0] = 0; f2[1] = 0; f2[2] = 1; f2[3] = 44;
    for (int i = 0; i < 300; i++) f2[4 + i] = (unsigned char)i;
    writeall(c, f2, sizeof f2);
    /* expect "world" framed back */
    unsigned char r[9];
    readall(c, r, 9);
    if (memcmp(r, "\0\0\0\5world", 9)) exit(13);
    /* expect a BIG frame; read it late so the sender hits EAGAIN */
    usleep(200000);
    uint32_t be; readall(c, &be, 4);
    if (ntohl(be) != BIG) exit(14);
    char *big = malloc(BIG); readall(c, big, BIG);
    for (int i = 0; i < BIG; i++) if (big[i] != (char)(i * 7)) exit(15);
    close(c); /* orderly close -> SCTP_SHUTDOWN_COMP at the MME side */
    exit(0);
}

static int wait_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 5000);
}

int main(void)
{
    /* 1. socket + the option sequence of lib/core/src/unix/sctp.c */
    int l = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
    CHECK(l >= 0, "socket(IPPROTO_SCTP)");
    struct sctp_event_subscribe ev = {0};
    ev.sctp_data_io_event = ev.sctp_association_event = 1;
    ev.sctp_send_failure_event = ev.sctp_shutdown_event = 1;
    CHECK(setsockopt(l, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev) == 0, "SCTP_EVENTS");
    struct sctp_paddrparams pp; socklen_t sl = sizeof pp; memset(&pp, 0, sizeof pp);
    CHECK(getsockopt(l, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &sl) == 0 && pp.spp_hbinterval > 0,
          "get SCTP_PEER_ADDR_PARAMS");
    pp.spp_hbinterval = 5000;
    CHECK(setsockopt(l, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp) == 0, "set PEER_ADDR_PARAMS");
    struct sctp_rtoinfo rto; sl = sizeof rto;
    CHECK(getsockopt(l, IPPROTO_SCTP, SCTP_RTOINFO, &rto, &sl) == 0 && rto.srto_initial == 3000, "get RTOINFO");
    CHECK(setsockopt(l, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto) == 0, "set RTOINFO");
    struct sctp_initmsg im; sl = sizeof im;
    CHECK(getsockopt(l, IPPROTO_SCTP, SCTP_INITMSG, &im, &sl) == 0 && im.sinit_num_ostreams == 10, "get INITMSG");
    im.sinit_num_ostreams = 30; im.sinit_max_instreams = 65535;
    CHECK(setsockopt(l, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im) == 0, "set INITMSG");
    sl = sizeof im; memset(&im, 0, sizeof im);
    CHECK(getsockopt(l, IPPROTO_SCTP, SCTP_INITMSG, &im, &sl) == 0 && im.sinit_num_ostreams == 30,
          "INITMSG remembered");
    int one = 1;
    CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0, "SO_REUSEADDR");
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(l, (struct sockaddr *)&a, sizeof a) == 0, "bind");
    CHECK(listen(l, 5) == 0, "listen");
    sl = sizeof a; getsockname(l, (struct sockaddr *)&a, &sl);
    uint16_t port = ntohs(a.sin_port);

    pid_t child = fork();
    if (child == 0) { close(l); peer(port); }

    /* 2. accept; NextEPC makes the socket non-blocking */
    struct sockaddr_storage from; socklen_t fl = sizeof from;
    int s = accept(l, (struct sockaddr *)&from, &fl);
    CHECK(s >= 0, "accept");
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    struct sctp_status ss; sl = sizeof ss;
    CHECK(getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &ss, &sl) == 0 && ss.sstat_state == SCTP_ESTABLISHED,
          "SCTP_STATUS established");

    char buf[8192]; struct sctp_sndrcvinfo si; int flags = 0;
    /* 3. first read: COMM_UP notification with the configured stream count */
    int n = sctp_recvmsg(s, buf, sizeof buf, NULL, NULL, &si, &flags);
    struct sctp_assoc_change *ac = (void *)buf;
    CHECK(n == (int)sizeof *ac && (flags & MSG_NOTIFICATION) && ac->sac_type == SCTP_ASSOC_CHANGE &&
          ac->sac_state == SCTP_COMM_UP && ac->sac_outbound_streams == 30, "COMM_UP (n=%d flags=%x)", n, flags);

    /* 4. frame "hello" (header arrives in two pieces) */
    wait_readable(s);
    flags = 0; fl = sizeof from;
    n = sctp_recvmsg(s, buf, sizeof buf, (struct sockaddr *)&from, &fl, &si, &flags);
    CHECK(n == 5 && !memcmp(buf, "hello", 5) && (flags & MSG_EOR) && !(flags & MSG_NOTIFICATION),
          "hello (n=%d flags=%x)", n, flags);
    CHECK(si.sinfo_stream == 0 && ntohl(si.sinfo_ppid) == 18, "sinfo stream 0, ppid 18 network order");
    CHECK(fl == sizeof(struct sockaddr_in) && ((struct sockaddr_in *)&from)->sin_family == AF_INET, "from address");

    /* 5. 300-byte frame through a 100-byte buffer: partial delivery */
    wait_readable(s);
    int total = 0, parts = 0, eor = 0;
    while (!eor && parts < 10) {
        flags = 0;
        n = sctp_recvmsg(s, buf + total, 100, NULL, NULL, &si, &flags);
        if (n <= 0) break;
        total += n; parts++; eor = flags & MSG_EOR;
    }
    int ok = total == 300 && parts == 3 && eor;
    for (int i = 0; ok && i < 300; i++) ok = (unsigned char)buf[i] == (unsigned char)i;
    CHECK(ok, "partial delivery total=%d parts=%d eor=%d", total, parts, eor);

    /* 6. send "world", then a frame big enough to need EAGAIN handling */
    CHECK(sctp_sendmsg(s, "world", 5, NULL, 0, htonl(18), 0, 1, 0, 0) == 5, "sctp_sendmsg small");
    char *big = malloc(BIG);
    for (int i = 0; i < BIG; i++) big[i] = (char)(i * 7);
    CHECK(sctp_sendmsg(s, big, BIG, NULL, 0, htonl(18), 0, 0, 0, 0) == BIG, "sctp_sendmsg big (non-blocking)");

    /* 7. peer closes: SHUTDOWN_COMP notification, then plain EOF */
    wait_readable(s);
    flags = 0;
    n = sctp_recvmsg(s, buf, sizeof buf, NULL, NULL, &si, &flags);
    CHECK(n == (int)sizeof *ac && (flags & MSG_NOTIFICATION) && ac->sac_type == SCTP_ASSOC_CHANGE &&
          ac->sac_state == SCTP_SHUTDOWN_COMP, "SHUTDOWN_COMP (n=%d flags=%x state=%d)", n, flags, ac->sac_state);
    flags = 0;
    CHECK(sctp_recvmsg(s, buf, sizeof buf, NULL, NULL, &si, &flags) == 0, "EOF after notification");
    int st; waitpid(child, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "peer saw correct frames (status %d)", st);

    /* 8. close() forgets the mark: a new UDP socket on the same fd number is
     * not treated as SCTP (the kernel rejects IPPROTO_SCTP options). */
    int old = s;
    close(s);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(u == old, "fd reused (%d vs %d)", u, old);
    CHECK(setsockopt(u, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev) != 0, "unmarked fd passes through");
    close(u);

    /* 9. client side: sctp_connectx to our listener, COMM_UP, framed send,
     * and a peer reset reported as COMM_LOST. */
    int c = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
    setsockopt(c, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev);
    sl = sizeof a; getsockname(l, (struct sockaddr *)&a, &sl);
    sctp_assoc_t id = 0;
    CHECK(sctp_connectx(c, (struct sockaddr *)&a, 1, &id) == 0, "sctp_connectx");
    int s2 = accept(l, NULL, NULL);
    flags = 0;
    n = sctp_recvmsg(c, buf, sizeof buf, NULL, NULL, &si, &flags);
    CHECK((flags & MSG_NOTIFICATION) && ac->sac_state == SCTP_COMM_UP, "client COMM_UP");
    CHECK(sctp_sendmsg(c, "abc", 3, NULL, 0, 0, 0, 0, 0, 0) == 3, "client send");
    n = sctp_recvmsg(s2, buf, sizeof buf, NULL, NULL, &si, &flags); /* COMM_UP */
    n = sctp_recvmsg(s2, buf, sizeof buf, NULL, NULL, &si, &flags);
    CHECK(n == 3 && !memcmp(buf, "abc", 3), "server got abc");
    struct linger lg = {1, 0};
    setsockopt(s2, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(s2); /* RST */
    wait_readable(c);
    flags = 0;
    n = sctp_recvmsg(c, buf, sizeof buf, NULL, NULL, &si, &flags);
    CHECK((flags & MSG_NOTIFICATION) && ac->sac_state == SCTP_COMM_LOST, "reset -> COMM_LOST (state %d)",
          ac->sac_state);
    close(c);
    close(l);

    printf("shim_selftest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

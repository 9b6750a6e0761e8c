/*
 * The UDP half of the test pods' servers and clients (busybox's nc speaks TCP only), compiled static into the
 * busybox test image by scripts/install-test-node.sh.
 *   udp serve TEXT PORT...          answer every datagram on each PORT with TEXT
 *   udp send IP PORT TIMEOUT_MS     send one datagram, print the answer; exit 1 if none came in time
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound(int port) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    perror("udp: bind");
    exit(2);
  }
  return fd;
}

static _Noreturn void serve(const char *text, int count, char **ports) {
  struct pollfd fds[64];
  if (count > 64) count = 64;
  for (int i = 0; i < count; i++) fds[i] = (struct pollfd){.fd = bound(atoi(ports[i])), .events = POLLIN};
  char buffer[512];
  for (;;) {
    if (poll(fds, count, -1) < 0) continue;
    for (int i = 0; i < count; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      struct sockaddr_in peer;
      socklen_t length = sizeof peer;
      if (recvfrom(fds[i].fd, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &length) >= 0)
        sendto(fds[i].fd, text, strlen(text), 0, (struct sockaddr *)&peer, length);
    }
  }
}

static int send_one(const char *ip, int port, int timeout_ms) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, ip, &addr.sin_addr) != 1) return 2;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) return 2;
  if (send(fd, "?", 1, 0) < 0) return 1;
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  if (poll(&pfd, 1, timeout_ms) != 1) return 1;
  char buffer[512];
  ssize_t n = recv(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return 1;
  buffer[n] = 0;
  printf("%s\n", buffer);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "serve")) serve(argv[2], argc - 3, argv + 3);
  if (argc == 5 && !strcmp(argv[1], "send")) return send_one(argv[2], atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: udp serve TEXT PORT... | udp send IP PORT TIMEOUT_MS\n");
  return 2;
}

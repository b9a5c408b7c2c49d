# alter in an image with nothing else in it.  The build stage runs the
# README's build commands; tests/t0082-container.sh runs the COPY, ENV and
# ENTRYPOINT lines of the two final stages in an empty chroot.
#
#   docker build -t alter .                          the binary alone
#   docker build --target corp-ca -t alter:corp .    trusting corp-ca.pem
#   docker run --rm -e ALTER_PAT alter auth status
#
# (BuildKit, the default builder, skips the corp-ca stage unless asked for
# it, so corp-ca.pem is needed only then.)

FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends make gcc musl-tools python3 openssl ca-certificates xz-utils patch binutils
COPY . /src
RUN make -C /src

# A corporate CA (a TLS-inspecting proxy, an internal API): SSL_CERT_FILE
# makes alter trust exactly the certificates in that file, in place of the
# compiled-in roots; append those public roots to corp-ca.pem if both are
# needed.
FROM scratch AS corp-ca
COPY --from=build /src/alter /alter
COPY corp-ca.pem /etc/corp-ca.pem
ENV SSL_CERT_FILE=/etc/corp-ca.pem
ENTRYPOINT ["/alter"]

# The default image: the static binary alone.  Its compiled-in roots (Mozilla's
# list, pinned in the Makefile) make TLS work with no file around it.
FROM scratch AS alter
COPY --from=build /src/alter /alter
ENTRYPOINT ["/alter"]

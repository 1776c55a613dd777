# Base images are build arguments so a release can pin them by digest, e.g.
#   --build-arg BUILDER_IMAGE=golang:1.26@sha256:... --build-arg BASE_IMAGE=gcr.io/distroless/static:nonroot@sha256:...
ARG BUILDER_IMAGE=golang:1.26
ARG BASE_IMAGE=gcr.io/distroless/static:nonroot

# Build the manager as a static binary.
FROM ${BUILDER_IMAGE} AS builder
ARG TARGETOS
ARG TARGETARCH
WORKDIR /workspace
COPY go.mod go.sum ./
RUN go mod download
COPY main.go main.go
COPY api/ api/
COPY controllers/ controllers/
COPY salesforce/ salesforce/
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -trimpath -ldflags="-s -w" -o manager main.go

# A distroless base: no shell, no package manager, runs as an unprivileged user.
FROM ${BASE_IMAGE}
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532
ENTRYPOINT ["/manager"]

// Command salesforce-emulator serves the in-memory Salesforce REST API double on a local port.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/destinations/salesforce-controller/salesforce/emulator"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "salesforce-emulator:", err)
		os.Exit(1)
	}
}

func run() error {
	var opts emulator.Options
	addr := flag.String("addr", "127.0.0.1:8085", "listen address")
	flag.StringVar(&opts.Username, "username", "dev@example.com", "username")
	flag.StringVar(&opts.Password, "password", "password", "password")
	flag.StringVar(&opts.SecurityToken, "security-token", "token", "security token appended to the password")
	flag.StringVar(&opts.ClientID, "client-id", "", "OAuth client id (consumer key)")
	flag.StringVar(&opts.ClientSecret, "client-secret", "", "OAuth client secret")
	jwtKey := flag.String("jwt-public-key", "", "PEM file with the RSA public key or certificate for the JWT bearer flow")
	flag.IntVar(&opts.DailyLimit, "daily-limit", 15000, "daily API request limit")
	flag.DurationVar(&opts.Latency, "latency", 0, "latency added to every data call")
	flag.DurationVar(&opts.SessionIdleTimeout, "session-idle-timeout", 2*time.Hour, "session idle timeout")
	flag.DurationVar(&opts.SearchIndexLag, "search-index-lag", 0, "delay before writes become searchable")
	flag.StringVar(&opts.InstanceURL, "instance-url", "", "instance_url to return (default: scheme://host of the request)")
	flag.BoolVar(&opts.LoginHostOnly, "login-host-only", false, "behave as login.salesforce.com (client_credentials refused)")
	seed := flag.String("seed", "", `JSON seed file: {"Lead":[{...}], ...}`)
	soapLogin := flag.String("soap-login", "available", "SOAP login(): available, disabled (as in new orgs) or retired (as after Summer '27)")
	flag.Parse()

	mode, err := emulator.ParseSOAPLoginMode(*soapLogin)
	if err != nil {
		return err
	}
	opts.SOAPLogin = mode

	if *jwtKey != "" {
		data, err := os.ReadFile(*jwtKey)
		if err != nil {
			return fmt.Errorf("read jwt public key: %w", err)
		}
		if opts.JWTPublicKey, err = emulator.ParseRSAPublicKeyPEM(data); err != nil {
			return fmt.Errorf("jwt public key: %w", err)
		}
	}
	emu := emulator.New(opts)
	if *seed != "" {
		f, err := os.Open(*seed)
		if err != nil {
			return fmt.Errorf("open seed: %w", err)
		}
		_, err = emu.SeedJSON(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Printf("salesforce emulator listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

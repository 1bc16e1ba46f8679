// Command predict is a gitops-ml client in Go, standard library only.
//
// It sends one text, then a batch, to POST /v1/predict and prints one line per text:
//
//	model   <name>  <version>
//	single  <label> <score> <text>
//	batch   <label> <score> <text>
//
// Environment: GITOPS_ML_URL (default http://localhost:8080), GITOPS_ML_API_KEY (sent as
// "Authorization: Bearer <key>" when set), GITOPS_ML_TIMEOUT_SECONDS (each attempt,
// default 10). Arguments: the texts (default: three sample sentences); the first is
// sent alone, then all of them as one batch.
//
// 429 and 503 are retried after the answer's Retry-After, a refused or reset connection
// with exponential backoff, at most 5 attempts in all. A timeout is not retried: the
// server may still be working on the request. Exit code 0 on success, 1 otherwise.
//
// Run: go run main.go ["text" ...]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	maxAttempts = 5
	maxWait     = 60 * time.Second
)

// jitter is seeded per process (math/rand's global source is fixed before Go 1.20).
var jitter = rand.New(rand.NewSource(time.Now().UnixNano()))

var samples = []string{
	"I did not like this movie at all.",
	"What a wonderful film.",
	"The plot was dull and far too long.",
}

// Prediction is one text's answer; Score is P(positive).
type Prediction struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// ModelRef names the model that answered.
type ModelRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type singleResponse struct {
	Prediction
	Model ModelRef `json:"model"`
}

type batchResponse struct {
	Predictions []Prediction `json:"predictions"`
	Model       ModelRef     `json:"model"`
}

// problem is the RFC 9457 body of every v1 error.
type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

type client struct {
	baseURL string
	apiKey  string
	timeout time.Duration
	http    *http.Client
}

// backoff is 0.5 s, 1 s, 2 s, ... with up to 20 % jitter so that clients do not retry in lockstep.
func backoff(attempt int) time.Duration {
	d := time.Duration(float64(500*time.Millisecond) * math.Pow(2, float64(attempt-1)))
	if d > maxWait {
		d = maxWait
	}
	return time.Duration(float64(d) * (1 + jitter.Float64()*0.2))
}

// retryAfter reads the Retry-After header (delta-seconds or HTTP-date), else backs off exponentially.
func retryAfter(value string, attempt int) time.Duration {
	value = strings.TrimSpace(value)
	if value != "" {
		if s, err := strconv.Atoi(value); err == nil && s >= 0 {
			return minDuration(time.Duration(s)*time.Second, maxWait)
		}
		if t, err := http.ParseTime(value); err == nil {
			d := time.Until(t)
			if d < 0 {
				d = 0
			}
			return minDuration(d, maxWait)
		}
	}
	return backoff(attempt)
}

func minDuration(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

func describe(body []byte) string {
	var p problem
	if err := json.Unmarshal(body, &p); err == nil && p.Type != "" {
		return p.Type + ": " + p.Detail
	}
	if len(body) > 200 {
		body = body[:200]
	}
	return string(body)
}

func (c *client) predict(payload any, out any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequest(http.MethodPost, c.baseURL+"/v1/predict", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if c.apiKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.apiKey)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				return fmt.Errorf("timed out after %s", c.timeout)
			}
			if attempt >= maxAttempts {
				return fmt.Errorf("cannot reach %s: %w", c.baseURL, err)
			}
			wait := backoff(attempt)
			fmt.Fprintf(os.Stderr, "connection failed (%v), retrying in %.1f s\n", err, wait.Seconds())
			time.Sleep(wait)
			continue
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				return fmt.Errorf("timed out after %s", c.timeout)
			}
			return err
		}
		if resp.StatusCode == http.StatusOK {
			return json.Unmarshal(data, out)
		}
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) && attempt < maxAttempts {
			wait := retryAfter(resp.Header.Get("Retry-After"), attempt)
			fmt.Fprintf(os.Stderr, "HTTP %d, retrying in %.1f s (attempt %d of %d)\n", resp.StatusCode, wait.Seconds(), attempt, maxAttempts)
			time.Sleep(wait)
			continue
		}
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, describe(data))
	}
}

func printLine(kind string, p Prediction, text string) {
	fmt.Printf("%s\t%s\t%.4f\t%s\n", kind, p.Label, p.Score, text)
}

func run(args []string) error {
	baseURL := os.Getenv("GITOPS_ML_URL")
	if baseURL == "" {
		baseURL = "http://localhost:8080"
	}
	seconds := 10.0
	if v := os.Getenv("GITOPS_ML_TIMEOUT_SECONDS"); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s <= 0 {
			return errors.New("GITOPS_ML_TIMEOUT_SECONDS must be a positive number")
		}
		seconds = s
	}
	timeout := time.Duration(seconds * float64(time.Second))
	c := &client{
		baseURL: strings.TrimRight(baseURL, "/"),
		apiKey:  os.Getenv("GITOPS_ML_API_KEY"),
		timeout: timeout,
		// Client.Timeout covers the whole exchange: connecting, sending, and reading the body.
		http: &http.Client{Timeout: timeout},
	}
	texts := args
	if len(texts) == 0 {
		texts = samples
	}

	var single singleResponse
	if err := c.predict(map[string]string{"text": texts[0]}, &single); err != nil {
		return err
	}
	fmt.Printf("model\t%s\t%s\n", single.Model.Name, single.Model.Version)
	printLine("single", single.Prediction, texts[0])

	var batch batchResponse
	if err := c.predict(map[string][]string{"texts": texts}, &batch); err != nil {
		return err
	}
	for i, p := range batch.Predictions {
		printLine("batch", p, texts[i])
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

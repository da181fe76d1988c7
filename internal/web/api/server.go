// Package api serves Standing's JSON API under /api/v1, its OpenAPI document, health checks
// and metrics.
package api

import (
	"bytes"
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/standing-org/standing/internal/domain"
	"github.com/standing-org/standing/internal/enforce"
	"github.com/standing-org/standing/internal/ingest"
	"github.com/standing-org/standing/internal/rules"
)

//go:embed openapi.json
var openAPI []byte

// Server is the HTTP front of the service.
type Server struct {
	svc     *enforce.Service
	log     *slog.Logger
	mux     *http.ServeMux
	reg     *prometheus.Registry
	reqs    *prometheus.CounterVec
	latency *prometheus.HistogramVec
	keys    sync.Map // API key hash → cachedKey
	// Events takes activity events; nil until intake runs.
	Events *ingest.Writer
	// Rules are the detection rules in force; nil when detection does not run.
	Rules *rules.Engine
	// Templates render notices for the inbox; Marketplace and PortalURL go into their text.
	Templates              Renderer
	Marketplace, PortalURL string
}

type cachedKey struct {
	actor   string
	expires time.Time
}

// keyTTL bounds how long a revoked key keeps working on one node.
const keyTTL = 30 * time.Second

// Route is one documented API route.
type Route struct {
	Method, Pattern string
	auth            bool
	h               func(*Server, http.ResponseWriter, *http.Request) error
}

// Routes lists every route; the OpenAPI document must describe each (a test checks).
var Routes = []Route{
	{"GET", "/healthz", false, (*Server).healthz},
	{"GET", "/readyz", false, (*Server).readyz},
	{"GET", "/api/openapi.json", false, (*Server).openapi},
	{"PUT", "/api/v1/accounts/{id}", true, (*Server).putAccount},
	{"GET", "/api/v1/accounts/{id}", true, (*Server).getAccount},
	{"GET", "/api/v1/accounts/{id}/standing", true, (*Server).getStanding},
	{"GET", "/api/v1/accounts/{id}/measures", true, (*Server).listMeasures},
	{"POST", "/api/v1/accounts/{id}/measures", true, (*Server).applyMeasure},
	{"POST", "/api/v1/accounts/{id}/measures/{measure}/lift", true, (*Server).liftMeasure},
	{"POST", "/api/v1/accounts/{id}/reinstate", true, (*Server).reinstate},
	{"POST", "/api/v1/accounts/{id}/close", true, (*Server).closeAccount},
	{"POST", "/api/v1/accounts/{id}/emergency-closures", true, (*Server).requestEmergency},
	{"POST", "/api/v1/emergency-closures/{request}/approve", true, (*Server).approveEmergency},
	{"GET", "/api/v1/accounts/{id}/cases", true, (*Server).listCases},
	{"GET", "/api/v1/accounts/{id}/notices", true, (*Server).listNotices},
	{"GET", "/api/v1/accounts/{id}/timeline", true, (*Server).accountTimeline},
	{"POST", "/api/v1/cases", true, (*Server).openCase},
	{"GET", "/api/v1/cases", true, (*Server).queue},
	{"GET", "/api/v1/cases/{case}", true, (*Server).getCase},
	{"POST", "/api/v1/cases/{case}/evidence", true, (*Server).addEvidence},
	{"POST", "/api/v1/cases/{case}/resolve", true, (*Server).resolveCase},
	{"GET", "/api/v1/cases/{case}/timeline", true, (*Server).caseTimeline},
	{"GET", "/api/v1/policy", true, (*Server).getPolicy},
	{"POST", "/api/v1/events", true, (*Server).postEvents},
	{"POST", "/api/v1/reports", true, (*Server).postReport},
	{"GET", "/api/v1/rules", true, (*Server).listRules},
	{"PUT", "/api/v1/rules", true, (*Server).putRules},
	{"GET", "/api/v1/rule-hits", true, (*Server).ruleHits},
	{"GET", "/api/v1/accounts/{id}/reports", true, (*Server).listReports},
	{"GET", "/api/v1/export/dsa", true, (*Server).exportDSA},
	{"GET", "/api/v1/accounts/{id}/inbox", true, (*Server).inbox},
	{"GET", "/api/v1/notices/{notice}", true, (*Server).getNotice},
	{"GET", "/api/v1/templates", true, (*Server).listTemplates},
	{"PUT", "/api/v1/templates/{language}/{kind}/{part}", true, (*Server).putTemplate},
	{"POST", "/api/v1/webhooks", true, (*Server).addWebhook},
	{"GET", "/api/v1/webhooks", true, (*Server).listWebhooks},
	{"DELETE", "/api/v1/webhooks/{endpoint}", true, (*Server).disableWebhook},
	{"GET", "/api/v1/webhooks/{endpoint}/deliveries", true, (*Server).webhookDeliveries},
	{"POST", "/api/v1/deliveries/{delivery}/redeliver", true, (*Server).redeliver},
	{"POST", "/api/v1/accounts/{id}/responses", true, (*Server).respond},
	{"GET", "/api/v1/accounts/{id}/responses", true, (*Server).listResponses},
	{"POST", "/api/v1/responses/{response}/accept", true, (*Server).acceptResponse},
	{"POST", "/api/v1/responses/{response}/reject", true, (*Server).rejectResponse},
}

// New builds the server.
func New(svc *enforce.Service, log *slog.Logger) *Server {
	s := &Server{svc: svc, log: log, mux: http.NewServeMux(), reg: prometheus.NewRegistry()}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "standing_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "standing_http_request_seconds",
		Help: "HTTP request latency by route.", Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}},
		[]string{"route"})
	s.reg.MustRegister(s.reqs, s.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, rt := range Routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, domain.Errorf(domain.ENOTFOUND, "no route %s %s; the API is described at /api/openapi.json", r.Method, r.URL.Path))
	})
	return s
}

// Registry is where the server's metrics are; the app adds its background work's.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Svc returns the use cases the server serves.
func (s *Server) Svc() *enforce.Service { return s.svc }

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

type statusWriter struct {
	http.ResponseWriter
	status int
	record *bytes.Buffer // a copy of the body, when an idempotent answer is kept
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.record != nil {
		w.record.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

type actorKey struct{}

// actor is who the request speaks for: "apikey:NAME".
func actor(r *http.Request) string { s, _ := r.Context().Value(actorKey{}).(string); return s }

func (s *Server) wrap(rt Route) http.Handler {
	label := rt.Method + " " + rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "route", label, "panic", p, "stack", string(debug.Stack()))
				s.writeError(sw, r, domain.Errorf(domain.EINTERNAL, "internal error"))
			}
			s.reqs.WithLabelValues(label, strconv.Itoa(sw.status)).Inc()
			s.latency.WithLabelValues(label).Observe(time.Since(start).Seconds())
		}()
		if rt.auth {
			a, err := s.authenticate(r)
			if err != nil {
				s.writeError(sw, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), actorKey{}, a))
		}
		handle := func(w http.ResponseWriter, r *http.Request) {
			if err := rt.h(s, w, r); err != nil {
				s.writeError(w, r, err)
			}
		}
		if key := r.Header.Get("Idempotency-Key"); key != "" && rt.auth && rt.Method != "GET" && rt.Pattern != "/api/v1/events" {
			if err := s.idempotent(sw, r, key, handle); err != nil {
				s.writeError(sw, r, err)
			}
			return
		}
		handle(sw, r)
	})
}

func (s *Server) authenticate(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || key == "" {
		return "", domain.Errorf(domain.EUNAUTHORIZED, "send an API key as `Authorization: Bearer stk_…` (create one with `standing apikey create --name NAME`)")
	}
	hash := enforce.HashAPIKey(key)
	if c, ok := s.keys.Load(hash); ok && time.Now().Before(c.(cachedKey).expires) {
		return c.(cachedKey).actor, nil
	}
	a, err := s.svc.Authenticate(r.Context(), key)
	if err != nil {
		return "", err
	}
	s.keys.Store(hash, cachedKey{actor: a, expires: time.Now().Add(keyTTL)})
	return a, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, 200, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.svc.Store.AuditHead(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "detail": "the database does not answer"})
		return nil
	}
	writeJSON(w, 200, map[string]string{"status": "ready", "database": s.svc.Store.Dialect()})
	return nil
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
	return nil
}

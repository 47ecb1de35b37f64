#include "corpus.h"

namespace cellgate::bench {

std::string Deployment(const std::string& name, int v) {
  std::string n = std::to_string(v);
  return R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: )" +
         name + R"(
  labels:
    app.kubernetes.io/name: )" +
         name + R"(
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/version: "1.)" +
         n + R"(.0"
  annotations:
    deployment.kubernetes.io/revision: ")" +
         n + R"("
    argocd.argoproj.io/sync-wave: "1"
spec:
  replicas: 3
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  selector:
    matchLabels:
      app.kubernetes.io/name: )" +
         name + R"(
  template:
    metadata:
      labels:
        app.kubernetes.io/name: )" +
         name + R"(
      annotations:
        prometheus.io/scrape: 'true'
        prometheus.io/port: '9090'
    spec:
      serviceAccountName: )" +
         name + R"(
      securityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001}
      containers:
        - name: app
          image: ghcr.io/example/)" +
         name + R"(:1.)" + n + R"(.0
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--metrics-port=9090", "--log-level=info"]
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
            - {name: metrics, containerPort: 9090, protocol: TCP}
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {name: )" +
         name + R"(-db, key: url}
            - name: CACHE_TTL
              value: "300"
            - name: FEATURE_FLAGS
              value: checkout-v2,search-ranking,new-cart
            - name: POD_NAME
              valueFrom:
                fieldRef: {fieldPath: metadata.name}
          readinessProbe:
            httpGet: {path: /readyz, port: http}
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            failureThreshold: 3
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {memory: 512Mi}
          volumeMounts:
            - {name: config, mountPath: /etc/app, readOnly: true}
      volumes:
        - name: config
          configMap: {name: )" +
         name + R"(-config}
)";
}

std::string Service(const std::string& name) {
  return R"(apiVersion: v1
kind: Service
metadata:
  name: )" +
         name + R"(
  labels:
    app.kubernetes.io/name: )" +
         name + R"(
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: )" +
         name + R"(
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
)";
}

std::string ConfigMap(const std::string& name, int v) {
  std::string n = std::to_string(v);
  return R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: )" +
         name + R"(-config
  labels:
    app.kubernetes.io/name: )" +
         name + R"(
data:
  LOG_LEVEL: info
  MAX_CONNECTIONS: "100"
  ENABLE_TRACING: "true"
  app.yaml: |
    server:
      port: 8080
      timeouts: {read: 5s, write: 10s, idle: 60s}
    cache:
      ttl: 300
      size: )" +
         n + R"(000
    upstreams:
      - name: payments
        url: http://payments.shop.svc:80
      - name: inventory
        url: http://inventory.shop.svc:80
)";
}

std::string LargeCrd(const std::string& plural, int properties) {
  std::string props;
  for (int i = 0; i < properties; ++i) {
    std::string p = "field" + std::to_string(i);
    props += "                " + p + R"(:
                  description: >-
                    )" +
             p + R"( configures one aspect of the widget. When unset the controller
                    applies the cluster default, which operators may override per namespace.
                  type: object
                  properties:
                    enabled: {type: boolean, default: false}
                    mode: {type: string, enum: [Auto, Manual, Disabled]}
                    limit: {type: integer, minimum: 0, maximum: 65535}
)";
  }
  return R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: )" +
         plural + R"(.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, listKind: WidgetList, plural: )" +
         plural + R"(, singular: widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
)" + props;
}

std::string Corpus(std::size_t bytes) {
  std::string out = LargeCrd("widgets");
  for (int i = 0; out.size() < bytes; ++i) {
    std::string name = "svc-" + std::to_string(i);
    out += "---\n" + Deployment(name, i) + "---\n" + Service(name) + "---\n" + ConfigMap(name, i);
  }
  return out;
}

}  // namespace cellgate::bench

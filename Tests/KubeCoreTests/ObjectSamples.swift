import Foundation

/// JSON as the API server returns it (v1.20-style), managedFields included.
enum ObjectSamples {
    static let statefulSet = #"""
        {
          "kind": "StatefulSet",
          "apiVersion": "apps/v1",
          "metadata": {
            "name": "pg",
            "namespace": "team-a",
            "uid": "0f6d3c52-7c1a-4d2b-9f1e-3a8b5c9d7e21",
            "resourceVersion": "48213",
            "generation": 3,
            "creationTimestamp": "2026-11-20T10:01:02Z",
            "labels": {"app.kubernetes.io/name": "pg", "app.kubernetes.io/managed-by": "quartermaster"},
            "ownerReferences": [{"apiVersion": "quartermaster.dev/v1alpha1", "kind": "Database", "name": "pg",
              "uid": "7d1c2b3a-0000-4000-8000-000000000001", "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [
              {"manager": "quartermaster", "operation": "Apply", "apiVersion": "apps/v1",
               "time": "2026-11-20T10:01:02Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {}}}}}},
              {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1",
               "time": "2026-11-20T10:02:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}},
               "subresource": "status"}
            ]
          },
          "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "pg"}},
            "template": {
              "metadata": {"creationTimestamp": null, "labels": {"app.kubernetes.io/name": "pg"}},
              "spec": {
                "containers": [{
                  "name": "postgres",
                  "image": "postgres:16.4",
                  "args": ["-c", "max_connections=200"],
                  "ports": [{"name": "pg", "containerPort": 5432, "protocol": "TCP"}],
                  "env": [
                    {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
                    {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "pg-auth", "key": "password"}}},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}
                  ],
                  "envFrom": [{"configMapRef": {"name": "pg-env", "optional": true}}],
                  "resources": {"limits": {"cpu": "2", "memory": "4Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}},
                  "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"},
                                   {"name": "config", "mountPath": "/etc/pg", "readOnly": true}],
                  "readinessProbe": {"exec": {"command": ["pg_isready", "-U", "postgres"]},
                    "initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                    "failureThreshold": 3},
                  "livenessProbe": {"tcpSocket": {"port": 5432}, "timeoutSeconds": 1, "periodSeconds": 10,
                    "successThreshold": 1, "failureThreshold": 3},
                  "startupProbe": {"httpGet": {"path": "/healthz", "port": "metrics", "scheme": "HTTP"},
                    "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 30},
                  "terminationMessagePath": "/dev/termination-log",
                  "terminationMessagePolicy": "File",
                  "imagePullPolicy": "IfNotPresent",
                  "securityContext": {"capabilities": {"drop": ["ALL"]}, "runAsNonRoot": true,
                    "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false}
                }],
                "volumes": [
                  {"name": "config", "configMap": {"name": "pg-config", "items": [{"key": "pg.conf", "path": "postgresql.conf"}], "defaultMode": 420}},
                  {"name": "tls", "secret": {"secretName": "pg-tls", "defaultMode": 256}},
                  {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "serviceAccountName": "pg",
                "serviceAccount": "pg",
                "securityContext": {"runAsUser": 999, "runAsGroup": 999, "fsGroup": 999,
                  "seccompProfile": {"type": "RuntimeDefault"}},
                "affinity": {
                  "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]}]}},
                  "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100,
                    "podAffinityTerm": {"labelSelector": {"matchLabels": {"app.kubernetes.io/name": "pg"}},
                      "topologyKey": "kubernetes.io/hostname"}}]}
                },
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}],
                "schedulerName": "default-scheduler"
              }
            },
            "volumeClaimTemplates": [{
              "kind": "PersistentVolumeClaim",
              "apiVersion": "v1",
              "metadata": {"name": "data", "creationTimestamp": null},
              "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}},
                "storageClassName": "fast", "volumeMode": "Filesystem"},
              "status": {"phase": "Pending"}
            }],
            "serviceName": "pg-headless",
            "podManagementPolicy": "Parallel",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "revisionHistoryLimit": 10
          },
          "status": {
            "observedGeneration": 3,
            "replicas": 3,
            "readyReplicas": 2,
            "currentReplicas": 3,
            "updatedReplicas": 3,
            "currentRevision": "pg-5d4f8b7c9",
            "updateRevision": "pg-5d4f8b7c9",
            "collisionCount": 0
          }
        }
        """#

    static let pod = #"""
        {"kind":"Pod","apiVersion":"v1","metadata":{"name":"pg-0","generateName":"pg-","namespace":"team-a",
        "uid":"1a2b","resourceVersion":"48300","labels":{"controller-revision-hash":"pg-5d4f8b7c9",
        "statefulset.kubernetes.io/pod-name":"pg-0"},"managedFields":[{"manager":"kubelet","operation":"Update"}]},
        "spec":{"containers":[{"name":"postgres","image":"postgres:16.4","resources":{}}],"hostname":"pg-0",
        "subdomain":"pg-headless","nodeName":"node-1","priority":0},
        "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,
        "lastTransitionTime":"2026-11-20T10:01:05Z"},{"type":"Ready","status":"True","lastProbeTime":null,
        "lastTransitionTime":"2026-11-20T10:01:20Z"}],"hostIP":"10.0.0.4","podIP":"10.244.1.7",
        "podIPs":[{"ip":"10.244.1.7"}],"startTime":"2026-11-20T10:01:05Z","containerStatuses":[{"name":"postgres",
        "state":{"running":{"startedAt":"2026-11-20T10:01:10Z"}},"lastState":{},"ready":true,"restartCount":1,
        "image":"postgres:16.4","imageID":"docker-pullable://postgres@sha256:abc","containerID":"containerd://f00",
        "started":true}],"qosClass":"Burstable"}}
        """#

    /// A list response: items carry neither `apiVersion` nor `kind`.
    static let secretList = #"""
        {"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"5120","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":4},
        "items":[{"metadata":{"name":"pg-auth","namespace":"team-a","uid":"u1","resourceVersion":"5000",
        "creationTimestamp":"2026-11-20T10:00:00Z","managedFields":[{"manager":"kubectl","operation":"Update"}]},
        "data":{"password":"czNjcjN0","tls.key":"AAEC/w=="},"type":"Opaque"}]}
        """#

    static let service = #"""
        {"kind":"Service","apiVersion":"v1","metadata":{"name":"pg-headless","namespace":"team-a"},
        "spec":{"ports":[{"name":"pg","protocol":"TCP","port":5432,"targetPort":"pg"},{"name":"metrics","protocol":"TCP","port":9187,"targetPort":9187}],
        "selector":{"app.kubernetes.io/name":"pg"},"clusterIP":"None","clusterIPs":["None"],"type":"ClusterIP",
        "sessionAffinity":"None","publishNotReadyAddresses":true,"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack"},
        "status":{"loadBalancer":{}}}
        """#

    static let networkPolicy = #"""
        {"kind":"NetworkPolicy","apiVersion":"networking.k8s.io/v1","metadata":{"name":"pg","namespace":"team-a","generation":1},
        "spec":{"podSelector":{"matchLabels":{"app.kubernetes.io/name":"pg"}},
        "ingress":[{"ports":[{"protocol":"TCP","port":5432}],"from":[
          {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"apps"}},"podSelector":{"matchExpressions":[{"key":"role","operator":"In","values":["api","worker"]}]}},
          {"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}]}],
        "egress":[{"to":[{"podSelector":{}}],"ports":[{"protocol":"UDP","port":53},{"protocol":"TCP","port":"dns-tcp"}]}],
        "policyTypes":["Ingress","Egress"]}}
        """#

    static let pdb = #"""
        {"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"pg","namespace":"team-a"},
        "spec":{"maxUnavailable":"34%","selector":{"matchLabels":{"app.kubernetes.io/name":"pg"}}},
        "status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":3,"desiredHealthy":2,"expectedPods":3,
        "conditions":[{"type":"DisruptionAllowed","status":"True","observedGeneration":1,"lastTransitionTime":"2026-11-20T10:03:00Z","reason":"SufficientPods","message":""}]}}
        """#

    static let crd = #"""
        {"kind":"CustomResourceDefinition","apiVersion":"apiextensions.k8s.io/v1","metadata":{"name":"databases.quartermaster.dev"},
        "spec":{"group":"quartermaster.dev","names":{"plural":"databases","singular":"database","kind":"Database","listKind":"DatabaseList","shortNames":["db"]},
        "scope":"Namespaced","versions":[{"name":"v1alpha1","served":true,"storage":true,
        "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}},
        "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}}}],
        "conversion":{"strategy":"None"}},
        "status":{"conditions":[{"type":"NamesAccepted","status":"True","lastTransitionTime":"2026-11-20T09:00:00Z","reason":"NoConflicts","message":"no conflicts found"},
        {"type":"Established","status":"True","lastTransitionTime":"2026-11-20T09:00:00Z","reason":"InitialNamesAccepted","message":"the initial names have been accepted"}],
        "acceptedNames":{"plural":"databases","singular":"database","kind":"Database","listKind":"DatabaseList","shortNames":["db"]},"storedVersions":["v1alpha1"]}}
        """#

    static let clusterRole = #"""
        {"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"quartermaster-view",
        "labels":{"rbac.authorization.k8s.io/aggregate-to-view":"true"}},
        "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"quartermaster.dev/aggregate-to-view":"true"}}]},
        "rules":[{"verbs":["get","list","watch"],"apiGroups":["quartermaster.dev"],"resources":["databases","databases/status"]},
        {"verbs":["get"],"nonResourceURLs":["/healthz"]}]}
        """#

    static let resourceQuota = #"""
        {"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"team","namespace":"team-a"},
        "spec":{"hard":{"requests.cpu":"4","requests.memory":"8Gi","persistentvolumeclaims":"10"}},
        "status":{"hard":{"requests.cpu":"4","requests.memory":"8Gi","persistentvolumeclaims":"10"},
        "used":{"requests.cpu":"1500m","requests.memory":"3Gi","persistentvolumeclaims":"3"}}}
        """#
}

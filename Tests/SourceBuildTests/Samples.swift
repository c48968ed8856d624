/// The sample projects the tests commit to real repositories: small but shaped like real ones.
enum Samples {
    static let nodeExpress: [String: String] = [
        "package.json": #"""
        {
          "name": "shop",
          "version": "1.0.0",
          "main": "server.js",
          "engines": { "node": ">=20.11 <21" },
          "scripts": { "start": "node server.js", "build": "tsc -p .", "test": "node --test" },
          "dependencies": { "express": "^4.19.2", "pg": "^8.11.0" },
          "devDependencies": { "typescript": "^5.4.0" }
        }
        """#,
        "package-lock.json": #"{ "name": "shop", "lockfileVersion": 3, "packages": {} }"#,
        "server.js": """
            const express = require('express');
            const { Pool } = require('pg');
            const app = express();
            const pool = new Pool({ connectionString: process.env.DATABASE_URL });
            const secret = process.env["SESSION_SECRET"];
            app.get('/', (req, res) => res.send('ok'));
            const port = process.env.PORT || 4000;
            app.listen(port, () => console.log(`listening on ${port}`));
            """,
        "lib/mail.js": "module.exports = () => process.env.SMTP_HOST;\n",
        "node_modules/left-pad/index.js": "module.exports = process.env.NEVER_SEEN;\n",
    ]

    static let pythonFlask: [String: String] = [
        "requirements.txt": "Flask==3.0.3\ngunicorn>=22\n# a comment\npsycopg[binary]==3.2.1\n",
        "runtime.txt": "python-3.11.9\n",
        "app.py": """
            import os
            from flask import Flask

            app = Flask(__name__)
            app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
            DATABASE = os.getenv("DATABASE_URL")
            REDIS = os.environ["REDIS_URL"] if "REDIS_URL" in os.environ else None


            @app.route("/")
            def index():
                return "hello from flask"
            """,
    ]

    static let pythonFastAPI: [String: String] = [
        "pyproject.toml": """
            [project]
            name = "api"
            version = "0.1.0"
            requires-python = ">=3.12"
            dependencies = ["fastapi>=0.110", "uvicorn[standard]>=0.29"]
            """,
        ".python-version": "3.12\n",
        "service/__init__.py": "",
        "service/api.py": """
            import os
            from fastapi import FastAPI

            api = FastAPI(title="api")
            TOKEN = os.getenv("API_TOKEN")


            @api.get("/")
            def root():
                return {"ok": True, "region": os.environ.get("REGION", "none")}
            """,
    ]

    static let go: [String: String] = [
        "go.mod": "module example.com/hello\n\ngo 1.22.4\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
        "main.go": """
            package main

            import (
            \t"net/http"
            \t"os"
            )

            func main() {
            \tdsn := os.Getenv("DATABASE_URL")
            \t_ = dsn
            \tif v, ok := os.LookupEnv("FEATURE_FLAGS"); ok {
            \t\t_ = v
            \t}
            \thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
            \thttp.ListenAndServe(":9090", nil)
            }
            """,
        "main_test.go": "package main\n",
    ]

    static let staticSite: [String: String] = [
        "public/index.html": "<!doctype html><title>site</title><h1>hello</h1>\n",
        "public/style.css": "h1 { color: teal }\n",
        "README.md": "a static site\n",
    ]

    static let dockerfile: [String: String] = [
        "Dockerfile": """
            FROM python:3.12-slim
            WORKDIR /app
            COPY . .
            EXPOSE 5000/tcp
            CMD ["python", "serve.py"]
            """,
        "serve.py": "import os\nprint(os.environ.get('GREETING'))\n",
        "requirements.txt": "flask\n",
    ]
}

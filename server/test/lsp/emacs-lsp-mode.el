;;; emacs-lsp-mode.el --- Headless Emacs + lsp-mode (Debian elpa-lsp-mode 8.0) as a real client of corelens  -*- lexical-binding: t -*-
;;
;; Two ways a C developer runs it (env MODE):
;;   alone   corelens is the buffer's server, diagnostics in flymake:
;;             1. waits for the CO-RE error in flymake;  2. asks eldoc (lsp-mode's hover) about a field;
;;             3. applies the guard quick fix through lsp-mode's code actions;  4. waits for the error to leave flymake.
;;   clangd  lsp-mode's own clangd client for c-mode, corelens registered beside it as an add-on server:
;;             1. both servers attach; corelens' CO-RE error arrives;  2. eldoc shows both hovers, corelens' short
;;             table first and clangd's below it;  3. a syntax error typed in: clangd reports it, corelens does not
;;             repeat it (corelens.syntaxDiagnostics is off by default).
;;           lsp-mode 8's flymake backend shows only the last server's report when several serve one buffer
;;           (emacs-lsp/lsp-mode#2808), so this mode reads lsp-mode's merged diagnostics store instead.
;; Output lines: SERVERS / DIAG / HOVER ... END-HOVER / ACTIONS / APPLIED / CLEARED / SYNTAX, FINAL (clangd mode:
;; the diagnostics on the inserted line, and all others) / TEXT / PASS.
;; Exit code 0 on success, 1 with "FAIL: reason".
;; Env: CORELENS, FILE, MODE, SYNTAX_DIAGNOSTICS (1: corelens.syntaxDiagnostics on, the control run), HOVER_LINE / HOVER_COL (1-based line, 0-based column), EXPECT_DIAG, FIX_TITLE (alone),
;;      BROKEN (clangd: a line of C with a syntax error, inserted before the line containing AFTER).

(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(defvar mode (getenv "MODE"))
(setq lsp-session-file (make-temp-file "corelens-lsp-session")
      lsp-diagnostics-provider :flymake
      lsp-keep-workspace-alive nil
      lsp-enable-file-watchers nil
      lsp-enable-snippet nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-lens-enable nil
      lsp-enable-on-type-formatting nil
      lsp-eldoc-enable-hover t
      ;; several servers' hovers arrive merged as a list, which lsp-mode shows only with render-all (see README)
      lsp-eldoc-render-all t
      lsp-restart 'ignore
      lsp-log-io nil
      lsp-client-packages (if (equal mode "clangd") '(lsp-clangd) nil))
(require 'lsp-mode)
(require 'lsp-diagnostics)
(require 'cc-mode)
(require 'flymake)
(require 'cl-lib)

;; the session file is ours alone: gone when Emacs exits, whatever the outcome
(add-hook 'kill-emacs-hook (lambda () (ignore-errors (delete-file lsp-session-file))) 90)
(defvar t0 (float-time))
(defun out (fmt &rest args) (princ (format "%s\n" (apply #'format fmt args))))
(defun fail (fmt &rest args) (out "FAIL: %s" (apply #'format fmt args)) (kill-emacs 1))
(defun pump-until (pred seconds)
  "Run the event loop until PRED holds, at most SECONDS. lsp-mode sends didChange from an idle timer, which never
fires in batch mode (Emacs is never idle there): run what it would run. (Its flymake backend reports each
diagnostics notification by itself.)"
  (let ((end (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (when (bound-and-true-p lsp-mode) (lsp--flush-delayed-changes))
      (accept-process-output nil 0.05))
    (funcall pred)))
(defun flymake-matching (re)
  (cl-remove-if-not (lambda (d) (string-match-p re (flymake-diagnostic-text d))) (flymake-diagnostics)))
(defun server-diagnostics ()
  "This buffer's diagnostics per server, from lsp-mode's store: ((SERVER LINE MESSAGE) ...), LINE 1-based."
  (let ((file (lsp--fix-path-casing (buffer-file-name))))
    (cl-loop for w in (lsp-workspaces)
             append (cl-loop for d in (gethash file (lsp--workspace-diagnostics w))
                             collect (list (lsp--client-server-id (lsp--workspace-client w))
                                           (1+ (lsp:position-line (lsp:range-start (lsp:diagnostic-range d))))
                                           (lsp:diagnostic-message d))))))
(defun eldoc-now ()
  "What eldoc displays at point: lsp-mode's hover, through its eldoc message function."
  (let ((shown nil))
    (cl-letf (((symbol-function 'lsp--eldoc-message) (lambda (&optional msg) (when msg (setq shown msg)))))
      (lsp-hover)
      (pump-until (lambda () shown) 30))
    (unless shown (fail "eldoc showed nothing"))
    (out "HOVER")
    (out "%s" (substring-no-properties shown))
    (out "END-HOVER")))

(let* ((corelens (getenv "CORELENS"))
       (file (getenv "FILE"))
       (want (regexp-quote (getenv "EXPECT_DIAG"))))
  (lsp-register-client
   (make-lsp-client :new-connection (lsp-stdio-connection (list "node" corelens "lsp" "--stdio"))
                    :activation-fn (lsp-activate-on "c")
                    ;; beside clangd: an add-on, the way lsp-mode runs linters next to the main server
                    :add-on? (equal mode "clangd")
                    ;; the control run: corelens asked to report clang's complaints too
                    :initialization-options (when (equal (getenv "SYNTAX_DIAGNOSTICS") "1") '(:settings (:syntaxDiagnostics t)))
                    :server-id 'corelens))
  (find-file file)
  (unless (eq major-mode 'c-mode) (fail "major mode %s" major-mode))
  ;; c-mode's own flymake backend runs `make check-syntax', which this folder has no Makefile for
  (remove-hook 'flymake-diagnostic-functions #'flymake-cc t)
  (lsp-workspace-folders-add (file-name-directory file))
  (lsp)
  (let ((n (if (equal mode "clangd") 2 1)))
    (unless (pump-until (lambda () (= n (length (lsp-workspaces)))) 60)
      (fail "expected %d servers, got %S" n (mapcar #'lsp--workspace-print (lsp-workspaces)))))
  (out "SERVERS %s" (mapconcat (lambda (w) (symbol-name (lsp--client-server-id (lsp--workspace-client w)))) (lsp-workspaces) " "))

  (if (equal mode "alone")
      (progn
        ;; 1. the CO-RE error in flymake
        (unless (pump-until (lambda () (flymake-matching want)) 90) (fail "no flymake diagnostic matching %s" want))
        (dolist (d (flymake-diagnostics))
          (out "DIAG line %d %s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d)))
        ;; 2. eldoc
        (goto-char (point-min))
        (forward-line (1- (string-to-number (getenv "HOVER_LINE"))))
        (forward-char (string-to-number (getenv "HOVER_COL")))
        (eldoc-now)
        ;; 3. the guard quick fix through lsp-mode's code actions
        (let* ((d (car (flymake-matching want)))
               (title (getenv "FIX_TITLE")))
          (goto-char (flymake-diagnostic-beg d))
          (let* ((actions (lsp-code-actions-at-point))
                 (titles (mapcar #'lsp:code-action-title actions))
                 (pick (cl-find-if (lambda (a) (string= (lsp:code-action-title a) title)) actions)))
            (out "ACTIONS %S" titles)
            (unless pick (fail "no action %S among %S" title titles))
            (lsp-execute-code-action pick)
            (out "APPLIED %s" title)))
        ;; 4. gone from flymake
        (unless (pump-until (lambda () (not (flymake-matching want))) 60) (fail "the error is still in flymake after the fix"))
        (out "CLEARED"))
    ;; beside clangd
    (unless (pump-until (lambda () (cl-find-if (lambda (d) (string-match-p want (nth 2 d))) (server-diagnostics))) 90)
      (fail "no corelens diagnostic matching %s: %S" want (server-diagnostics)))
    (dolist (d (server-diagnostics)) (out "DIAG %s line %d %s" (nth 0 d) (nth 1 d) (nth 2 d)))
    (goto-char (point-min))
    (forward-line (1- (string-to-number (getenv "HOVER_LINE"))))
    (forward-char (string-to-number (getenv "HOVER_COL")))
    (eldoc-now)
    ;; a syntax error: clangd's to report, once
    (goto-char (point-min))
    (search-forward (getenv "AFTER"))
    (beginning-of-line)
    (insert (getenv "BROKEN") "\n")
    (let ((line (1- (line-number-at-pos))))
      ;; clangd's own report on that line: before the insertion corelens' CO-RE error sat on this very line, so
      ;; "any diagnostic on the line" would be satisfied by corelens' stale one while clangd is still parsing
      (unless (pump-until (lambda () (cl-find-if (lambda (d) (and (eq (nth 0 d) 'clangd) (= line (nth 1 d)))) (server-diagnostics))) 60)
        (fail "clangd did not report the syntax error on line %d: %S" line (server-diagnostics)))
      ;; corelens has analysed the new text once its CO-RE error is back at its new line
      (unless (pump-until (lambda () (cl-find-if (lambda (d) (and (eq (nth 0 d) 'corelens) (string-match-p want (nth 2 d)) (> (nth 1 d) line)))
                                                 (server-diagnostics))) 60)
        (fail "corelens did not re-analyse: %S" (server-diagnostics)))
      (dolist (d (server-diagnostics))
        (out "%s %s line %d %s" (if (= line (nth 1 d)) "SYNTAX" "FINAL") (nth 0 d) (nth 1 d) (nth 2 d)))))
  (dolist (l (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n"))
    (out "TEXT %s" l))
  (set-buffer-modified-p nil)
  (out "PASS %.1fs" (- (float-time) t0))
  ;; No lsp-workspace-shutdown: lsp-mode 8.0 waits 0.5 s for the shutdown answer, then kills the server and goes on
  ;; writing to its pipe; on a busy machine that killed Emacs with SIGPIPE after every check had passed (its output
  ;; lost with it). Exiting without the hooks closes both servers' pipes; each exits on the end of its input.
  (setq kill-emacs-hook nil)
  (kill-emacs 0))

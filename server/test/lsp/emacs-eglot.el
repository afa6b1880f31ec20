;;; emacs-eglot.el --- Headless Emacs + eglot (Debian elpa-eglot 1.9) as a real client of the corelens server  -*- lexical-binding: t -*-
;;
;; Opens a BPF program in c-mode, connects eglot to `corelens lsp --stdio', then, as a user would:
;;   1. waits for the CO-RE error in flymake;
;;   2. asks eldoc (eglot's hover documentation function) about a field and prints what eldoc would display;
;;   3. runs `eglot-code-actions' interactively on the error, picks the guard quick fix, and lets eglot apply it;
;;   4. waits for the error to leave flymake; prints the buffer.
;; Output lines: DIAG / HOVER (then the text, then END-HOVER) / ACTIONS / APPLIED / CLEARED / TEXT ... / PASS.
;; Exit code 0 on success, 1 with "FAIL: reason".
;; Env: CORELENS (the corelens.js to run), FILE, HOVER_LINE / HOVER_COL (1-based line, 0-based column),
;;      EXPECT_DIAG (substring of the error), FIX_TITLE (title of the action to apply).

(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'cc-mode)
(require 'flymake)
(require 'cl-lib)

(defvar t0 (float-time))
(defun out (fmt &rest args) (princ (format "%s\n" (apply #'format fmt args))))
(defun fail (fmt &rest args) (out "FAIL: %s" (apply #'format fmt args)) (kill-emacs 1))
(defun pump-until (pred seconds)
  "Run the event loop until PRED holds, at most SECONDS."
  (let ((end (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.05))
    (funcall pred)))
(defun diag-matching (text)
  (cl-find-if (lambda (d) (string-match-p (regexp-quote text) (flymake-diagnostic-text d))) (flymake-diagnostics)))

(let* ((corelens (getenv "CORELENS"))
       (file (getenv "FILE"))
       (want (getenv "EXPECT_DIAG"))
       (debug-on-error nil))
  (add-to-list 'eglot-server-programs `(c-mode . ("node" ,corelens "lsp" "--stdio")))
  (setq eglot-sync-connect 30 eglot-autoshutdown t eglot-events-buffer-size 0)
  (find-file file)
  (unless (eq major-mode 'c-mode) (fail "major mode %s" major-mode))
  (apply #'eglot (eglot--guess-contact))
  (unless (eglot-current-server) (fail "eglot did not connect"))
  (out "CONNECTED %s" (plist-get (eglot--server-info (eglot-current-server)) :name))

  ;; 1. flymake shows the CO-RE error
  (unless (pump-until (lambda () (diag-matching want)) 90) (fail "no flymake diagnostic containing %s" want))
  (let ((d (diag-matching want)))
    (out "DIAG line %d type=%s %s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-type d) (flymake-diagnostic-text d)))

  ;; 2. eldoc, through eglot's hover documentation function, as eldoc displays it
  (goto-char (point-min))
  (forward-line (1- (string-to-number (getenv "HOVER_LINE"))))
  (forward-char (string-to-number (getenv "HOVER_COL")))
  (let ((shown nil))
    (let ((eldoc-display-functions (list (lambda (docs _interactive) (setq shown docs)))))
      (eldoc-print-current-symbol-info t)
      (pump-until (lambda () shown) 30))
    (unless shown (fail "eldoc showed nothing"))
    (out "HOVER")
    (dolist (doc shown) (out "%s" (substring-no-properties (car doc))))
    (out "END-HOVER"))

  ;; 3. the guard quick fix, picked in eglot's own menu and applied by eglot
  (let* ((d (diag-matching want))
         (title (getenv "FIX_TITLE"))
         (offered nil))
    (goto-char (flymake-diagnostic-beg d))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (setq offered (mapcar #'car collection))
                 (or (cl-find title offered :test #'string=) (fail "no action %S among %S" title offered)))))
      ;; not a mouse event: eglot asks with completing-read
      (let ((last-nonmenu-event 13))
        (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d) nil t)))
    (out "ACTIONS %S" offered)
    (out "APPLIED %s" title))
  ;; eglot sends didChange, and flymake re-reports, from idle timers, which never fire in batch mode (Emacs is
  ;; never idle there): run what they would run.
  (unless (pump-until (lambda () (eglot--signal-textDocument/didChange) (flymake-start) (not (diag-matching want))) 60)
    (fail "the error is still in flymake after the fix"))
  (out "CLEARED")
  (dolist (l (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n"))
    (out "TEXT %s" l))
  (set-buffer-modified-p nil)
  (eglot-shutdown (eglot-current-server))
  (out "PASS %.1fs" (- (float-time) t0))
  (kill-emacs 0))

; Document structure the live analysis needs from tree-sitter: function definitions (for incremental reuse and
; code lens ranges) and syntax errors that clang would reject (missing braces/parentheses).
(function_definition) @function
(ERROR) @error

package main

import (
	"bytes"
	"io"
	"mime/quotedprintable"
)

func newQPReader(b []byte) io.Reader { return quotedprintable.NewReader(bytes.NewReader(b)) }

//go:build !search

package site

import "github.com/cmesite/cmesite/internal/curriculum"

type searchIndex = struct{}

func (b *Builder) writeSearch(c *curriculum.Curriculum, w *writer) {}

package site

import "golang.org/x/sys/unix"

// exchange swaps two folders in one atomic step (renameat2 with
// RENAME_EXCHANGE), so the output path never stops existing.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if err == unix.ENOSYS || err == unix.EINVAL {
		return exchangeByRename(a, b)
	}
	return err
}

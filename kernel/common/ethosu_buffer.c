// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer fds ("ethosu-buffer"): coherent DMA memory that user space mmaps and inferences use as
 * IFMs and OFMs. The fd has no ioctls; lseek only reports the size.
 */

#include <linux/anon_inodes.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ethosu_buffer.h"
#include "ethosu_device.h"

static void ethosu_buffer_free(struct kref *kref)
{
	struct ethosu_buffer *buf = container_of(kref, struct ethosu_buffer, kref);
	struct ethosu_device *edev = buf->edev;

	ethosu_dma_mem_free(&edev->dev, &buf->mem);
	kfree(buf);
	put_device(&edev->dev);
}

void ethosu_buffer_put(struct ethosu_buffer *buf)
{
	kref_put(&buf->kref, ethosu_buffer_free);
}

static int ethosu_buffer_release(struct inode *inode, struct file *file)
{
	ethosu_buffer_put(file->private_data);

	return 0;
}

/* Any window inside the buffer may be mapped; the library maps all of it at offset 0. */
static int ethosu_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ethosu_buffer *buf = file->private_data;
	unsigned long pages = PAGE_ALIGN(buf->mem.size) >> PAGE_SHIFT;

	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;

	return dma_mmap_coherent(&buf->edev->dev, vma, buf->mem.cpu, buf->mem.dma,
				 buf->mem.size);
}

/* Upstream ABI: only offset 0; SEEK_END gives the size (how user space learns it), SEEK_SET 0. */
static loff_t ethosu_buffer_llseek(struct file *file, loff_t offset, int whence)
{
	struct ethosu_buffer *buf = file->private_data;
	loff_t pos;

	if (offset != 0)
		return -EINVAL;

	switch (whence) {
	case SEEK_SET:
		pos = 0;
		break;
	case SEEK_END:
		pos = buf->mem.size;
		break;
	default:
		return -EINVAL;
	}

	return vfs_setpos(file, pos, pos);
}

static const struct file_operations ethosu_buffer_fops = {
	.owner = THIS_MODULE,
	.release = ethosu_buffer_release,
	.mmap = ethosu_buffer_mmap,
	.llseek = ethosu_buffer_llseek,
};

/*
 * Returns the new fd. The (possibly large) allocation runs before the device lock is taken, so
 * it does not hold up the rx path.
 */
int ethosu_buffer_create(struct ethosu_device *edev, u32 size)
{
	struct ethosu_buffer *buf;
	int ret;

	if (!size)
		return -EINVAL;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	ret = ethosu_dma_mem_alloc(&edev->dev, &buf->mem, size);
	if (ret) {
		kfree(buf);
		return ret;
	}

	buf->edev = edev;
	get_device(&edev->dev);
	kref_init(&buf->kref);

	ret = ethosu_device_lock(edev);
	if (ret)
		goto put;

	ret = anon_inode_getfd("ethosu-buffer", &ethosu_buffer_fops, buf, O_RDWR | O_CLOEXEC);
	mutex_unlock(&edev->mutex);
	if (ret < 0)
		goto put;

	return ret;

put:
	ethosu_buffer_put(buf);

	return ret;
}

/*
 * Takes a reference on the buffer behind @fd: -EBADF if @fd is not open, -EINVAL if it is not an
 * ethosu buffer of @edev (another subsystem's DMA address would mean nothing to this NPU).
 */
struct ethosu_buffer *ethosu_buffer_get_from_fd(struct ethosu_device *edev, unsigned int fd)
{
	struct ethosu_buffer *buf;
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);

	if (file->f_op != &ethosu_buffer_fops) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}

	buf = file->private_data;
	if (buf->edev != edev) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}

	kref_get(&buf->kref);
	fput(file);

	return buf;
}

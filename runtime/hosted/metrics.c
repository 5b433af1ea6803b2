/* metrics.c: see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>

void metrics_init(metrics *m, task_kind kind, size_t outputs, const double *target_scale)
{
    m->kind = kind;
    m->outputs = outputs;
    m->target_scale = target_scale;
    m->loss_sum = 0;
    m->loss_count = 0;
    m->sq_sum = 0;
    m->abs_sum = 0;
    m->correct = 0;
    m->count = 0;
}

void metrics_add_loss(metrics *m, double loss_sum, size_t count)
{
    m->loss_sum += loss_sum;
    m->loss_count += count;
}

size_t metrics_predict_class(task_kind kind, const double *a, size_t outputs)
{
    if (kind == TASK_BINARY) {
        return a[0] >= 0.5;
    }
    size_t best = 0;
    for (size_t i = 1; i < outputs; ++i) {
        if (a[i] > a[best]) {
            best = i;
        }
    }
    return best;
}

void metrics_add(metrics *m, const double *a, const double *y, size_t label)
{
    m->count++;
    if (m->kind != TASK_REGRESSION) {
        m->correct += metrics_predict_class(m->kind, a, m->outputs) == label;
        return;
    }
    for (size_t i = 0; i < m->outputs; ++i) {
        double d = (a[i] - y[i]) * (m->target_scale ? m->target_scale[i] : 1.0);
        m->sq_sum += d * d;
        m->abs_sum += fabs(d);
    }
}

double metrics_loss(const metrics *m)
{
    return m->loss_count ? m->loss_sum / (double)m->loss_count : NAN;
}

double metrics_accuracy(const metrics *m)
{
    return m->count ? (double)m->correct / (double)m->count : NAN;
}

double metrics_rmse(const metrics *m)
{
    return m->count ? sqrt(m->sq_sum / ((double)m->count * (double)m->outputs)) : NAN;
}

double metrics_mae(const metrics *m)
{
    return m->count ? m->abs_sum / ((double)m->count * (double)m->outputs) : NAN;
}

int confusion_init(confusion *c, size_t classes, errbuf *e)
{
    c->classes = classes;
    c->count = calloc(classes * classes, sizeof *c->count);
    if (!c->count) {
        errbuf_set(e, "out of memory for a %zu-class confusion matrix", classes);
        return -1;
    }
    return 0;
}

void confusion_add(confusion *c, size_t truth, size_t predicted)
{
    c->count[truth * c->classes + predicted]++;
}

double confusion_precision(const confusion *c, size_t k)
{
    size_t predicted = 0;
    for (size_t truth = 0; truth < c->classes; ++truth) {
        predicted += c->count[truth * c->classes + k];
    }
    return predicted ? (double)c->count[k * c->classes + k] / (double)predicted : NAN;
}

size_t confusion_support(const confusion *c, size_t k)
{
    size_t support = 0;
    for (size_t predicted = 0; predicted < c->classes; ++predicted) {
        support += c->count[k * c->classes + predicted];
    }
    return support;
}

double confusion_recall(const confusion *c, size_t k)
{
    size_t support = confusion_support(c, k);
    return support ? (double)c->count[k * c->classes + k] / (double)support : NAN;
}

void confusion_free(confusion *c)
{
    free(c->count);
    c->count = NULL;
    c->classes = 0;
}

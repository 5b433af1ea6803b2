/*
 * The four nets with oneDNN 2.6 (Debian's libdnnl), one thread: per layer an inner_product
 * forward primitive (bias included, a hidden layer's relu or sigmoid fused as an eltwise post-op),
 * and for the train step inner_product backward_data and backward_weights (which gives the bias
 * gradient too) and eltwise backward for the hidden activations (from their outputs, the
 * *_use_dst_for_bwd algorithms). Every primitive is created once, in create. oneDNN has no loss
 * primitive: the output activation, J, the output delta and the sgd update are the plain loops
 * every C peer shares (dense_loops.c).
 *
 * Activations are oneDNN's "nc" ([sample][unit], DENSE_SAMPLE_CONTIGUOUS); the weights are held
 * in whatever format the forward primitive chose (format "any"), reordered from and to the
 * contract's "oi" only in set_params and get_params, outside the timed region, and the gradient
 * the backward-weights primitive writes has that same format, so the update is elementwise.
 * Debian's oneDNN runs on OpenMP: omp_set_num_threads(1) before any oneDNN call, checked.
 */
#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "dense_loops.h"
#include "harness.h"

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

struct Layer {
    dnnl::inner_product_forward forward;
    dnnl::inner_product_backward_data backward_data;      /* layers 2..L */
    dnnl::inner_product_backward_weights backward_weights;
    dnnl::eltwise_backward activation_backward;           /* hidden layers */
    memory src, dst, weights, bias, user_weights, diff_weights, diff_bias, diff_dst, diff_src,
        dA;                                                /* dA: dJ/dA of this hidden layer */
    bool hidden = false;
};

struct DnnlNet {
    dense_state *s = nullptr;
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    std::vector<Layer> layers; /* [1..L]; [0] unused */
};

algorithm eltwise_for(bench_act g)
{
    if (g == BENCH_RELU)
        return algorithm::eltwise_relu_use_dst_for_bwd;
    if (g == BENCH_SIGMOID)
        return algorithm::eltwise_logistic_use_dst_for_bwd;
    bench_die("oneDNN peer: no such hidden activation");
}

memory::desc nc(int m, int n)
{
    return memory::desc({m, n}, dt::f32, tag::nc);
}

void *create_net(const bench_net *net, const float *params, const float *X, const float *Y)
{
    auto *d = new DnnlNet;
    d->s = dense_create(net, DENSE_SAMPLE_CONTIGUOUS, params, X, Y);
    dense_state *s = d->s;
    const int m = net->batch, L = net->layers;
    d->layers.resize((size_t)L + 1);
    std::string chosen;
    for (int l = 1; l <= L; l++) {
        Layer &y = d->layers[(size_t)l];
        const int n_out = bench_width(net, l), n_in = bench_width(net, l - 1);
        y.hidden = l < L;
        memory::desc src_md = nc(m, n_in), dst_md = nc(m, n_out);
        memory::desc any_weights({n_out, n_in}, dt::f32, tag::any);
        memory::desc bias_md({n_out}, dt::f32, tag::x);
        dnnl::primitive_attr attr;
        if (y.hidden && net->act[l - 1] != BENCH_LINEAR) {
            dnnl::post_ops ops;
            ops.append_eltwise(1.0f, eltwise_for(net->act[l - 1]), 0.0f, 0.0f);
            attr.set_post_ops(ops);
        }
        dnnl::inner_product_forward::primitive_desc fwd(
            {prop_kind::forward_training, src_md, any_weights, bias_md, dst_md}, attr, d->engine);
        y.forward = dnnl::inner_product_forward(fwd);
        y.src = memory(src_md, d->engine, s->A[l - 1]);
        y.dst = memory(dst_md, d->engine, l == L ? s->Z_last : s->A[l]);
        y.weights = memory(fwd.weights_desc(), d->engine);
        y.user_weights = memory({{n_out, n_in}, dt::f32, tag::oi}, d->engine, dense_W(s, l));
        y.bias = memory(bias_md, d->engine, dense_b(s, l));
        chosen += (l > 1 ? ", fwd" : "fwd") + std::to_string(l) + " " + fwd.impl_info_str();

        dnnl::inner_product_backward_weights::primitive_desc bwd_w(
            {src_md, fwd.weights_desc(), bias_md, dst_md}, d->engine, fwd);
        if (bwd_w.diff_weights_desc() != fwd.weights_desc())
            bench_die("%s: oneDNN's backward-weights primitive wants another weights format",
                      net->name);
        y.backward_weights = dnnl::inner_product_backward_weights(bwd_w);
        y.diff_weights = memory(bwd_w.diff_weights_desc(), d->engine);
        y.diff_bias = memory(bias_md, d->engine);
        y.diff_dst = memory(dst_md, d->engine, s->dZ[l]);
        chosen += ", bwd_weights" + std::to_string(l) + " " + bwd_w.impl_info_str();
        if (l > 1) {
            dnnl::inner_product_backward_data::primitive_desc bwd_d(
                {src_md, fwd.weights_desc(), dst_md}, d->engine, fwd);
            y.backward_data = dnnl::inner_product_backward_data(bwd_d);
            chosen += ", bwd_data" + std::to_string(l) + " " + bwd_d.impl_info_str();
        }
        if (y.hidden && net->act[l - 1] != BENCH_LINEAR) {
            algorithm alg = eltwise_for(net->act[l - 1]);
            dnnl::eltwise_forward::primitive_desc hint(
                {prop_kind::forward_training, alg, dst_md, 0.0f, 0.0f}, d->engine);
            dnnl::eltwise_backward::primitive_desc bwd_e({alg, dst_md, dst_md, 0.0f, 0.0f},
                                                         d->engine, hint);
            y.activation_backward = dnnl::eltwise_backward(bwd_e);
            chosen += ", act_bwd" + std::to_string(l) + " " + bwd_e.impl_info_str();
        }
    }
    /* Layer l's backward-data writes dJ/dA[l-1] into layer l-1's dA; its eltwise backward turns
     * that into dZ[l-1], the diff_dst of layer l-1's backward primitives. */
    for (int l = 2; l <= L; l++) {
        Layer &below = d->layers[(size_t)l - 1];
        memory::desc md = nc(m, bench_width(net, l - 1));
        below.dA = below.activation_backward ? memory(md, d->engine) : below.diff_dst;
    }
    const dnnl_version_t *v = dnnl_version();
    bench_info("oneDNN %d.%d.%d (%s), cpu runtime %s, %d OpenMP thread(s)", v->major, v->minor,
               v->patch, v->hash ? v->hash : "no hash",
               v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other", omp_get_max_threads());
    bench_info("%s: primitives (impl_info_str): %s", net->name, chosen.c_str());
    return d;
}

void reorder(DnnlNet *d, memory &from, memory &to)
{
    dnnl::reorder(from, to).execute(d->stream, from, to);
    d->stream.wait();
}

void set_params(void *self, const float *params)
{
    auto *d = static_cast<DnnlNet *>(self);
    dense_set_params(d->s, params);
    for (size_t l = 1; l < d->layers.size(); l++)
        reorder(d, d->layers[l].user_weights, d->layers[l].weights);
}

void forward(void *self)
{
    auto *d = static_cast<DnnlNet *>(self);
    for (size_t l = 1; l < d->layers.size(); l++) {
        Layer &y = d->layers[l];
        y.forward.execute(d->stream, {{DNNL_ARG_SRC, y.src},
                                      {DNNL_ARG_WEIGHTS, y.weights},
                                      {DNNL_ARG_BIAS, y.bias},
                                      {DNNL_ARG_DST, y.dst}});
    }
    d->stream.wait();
    dense_output_activation(d->s);
}

double cost(void *self)
{
    return dense_cost(static_cast<DnnlNet *>(self)->s);
}

float *data_of(memory &mem)
{
    return static_cast<float *>(mem.get_data_handle());
}

double train_step(void *self)
{
    auto *d = static_cast<DnnlNet *>(self);
    dense_state *s = d->s;
    const float lr = (float)s->net->lr;
    forward(self);
    double J = dense_cost(s);
    dense_output_delta(s);
    for (size_t l = d->layers.size() - 1; l >= 1; l--) {
        Layer &y = d->layers[l];
        if (l > 1) {
            Layer &below = d->layers[l - 1];
            y.backward_data.execute(d->stream, {{DNNL_ARG_DIFF_DST, y.diff_dst},
                                                {DNNL_ARG_WEIGHTS, y.weights},
                                                {DNNL_ARG_DIFF_SRC, below.dA}});
            if (below.activation_backward)
                below.activation_backward.execute(d->stream, {{DNNL_ARG_DST, below.dst},
                                                              {DNNL_ARG_DIFF_DST, below.dA},
                                                              {DNNL_ARG_DIFF_SRC, below.diff_dst}});
        }
        y.backward_weights.execute(d->stream, {{DNNL_ARG_SRC, y.src},
                                               {DNNL_ARG_DIFF_DST, y.diff_dst},
                                               {DNNL_ARG_DIFF_WEIGHTS, y.diff_weights},
                                               {DNNL_ARG_DIFF_BIAS, y.diff_bias}});
        d->stream.wait();
        dense_sgd(data_of(y.weights), data_of(y.diff_weights),
                  (long)(y.weights.get_desc().get_size() / sizeof(float)), lr);
        dense_sgd(data_of(y.bias), data_of(y.diff_bias), bench_width(s->net, (int)l), lr);
    }
    return J;
}

void get_params(void *self, double *out)
{
    auto *d = static_cast<DnnlNet *>(self);
    for (size_t l = 1; l < d->layers.size(); l++)
        reorder(d, d->layers[l].weights, d->layers[l].user_weights);
    dense_get_params(d->s, out);
}

void destroy(void *self)
{
    auto *d = static_cast<DnnlNet *>(self);
    dense_destroy(d->s);
    delete d;
}

} // namespace

int main(int argc, char **argv)
{
    omp_set_num_threads(1);
    if (omp_get_max_threads() != 1)
        bench_die("OpenMP reports %d threads after omp_set_num_threads(1)", omp_get_max_threads());
    try {
        const bench_adapter generic = {nullptr, create_net, set_params, forward, cost,
                                       train_step, get_params, destroy};
        return bench_main_all_nets(argc, argv, &generic);
    } catch (const dnnl::error &e) {
        bench_die("oneDNN: %s (status %d)", e.what(), (int)e.status);
    }
}

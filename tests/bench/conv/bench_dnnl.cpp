/*
 * The conv benchmark's nets (cnn8, kws; tests/bench/conv) with oneDNN primitives, one thread.
 *
 *   bench_dnnl DATA_DIR PASS LABEL [NET]
 *
 * reads DATA_DIR/<net>/{params0,X,Y}.f32, writes out.LABEL.f32 (softmax outputs of one inference
 * forward from params0) and after.LABEL.f64 (params after one train step from params0), and prints
 * the `check`, `result` and `info` lines of the benchmark's interface. Self-contained on purpose:
 * its loader and timer are its own, so it does not depend on the gradc side's harness.
 *
 * What runs, all primitives created once before anything is timed:
 * - inference forward: convolution (forward_inference, relu as a post-op), max pooling, average
 *   pooling over the whole signal for the global avgpool, inner product, softmax;
 * - train step: convolution forward_training with the relu either a separate eltwise forward
 *   primitive or a post-op (see below), pooling forward_training (max keeps its workspace),
 *   inner product, softmax; then J and dJ/dZ = (A - Y) / m of the output layer in one plain
 *   loop (the softmax + cross-entropy gradient needs no softmax backward); inner product
 *   backward_weights/backward_data, pooling backward, eltwise relu backward (from the relu's
 *   input, or with eltwise_relu_use_dst_for_bwd from its output when fused), convolution
 *   backward_weights/backward_data (the first layer needs no backward_data); the sgd update
 *   p -= lr dp as a plain loop over each parameter's buffer at the end of the step (a gradient
 *   has its parameter's own, possibly blocked, format, padding included, so one loop covers
 *   each). J is computed inside the timed step and returned, as gradc's does.
 * - Global avgpool is a pooling primitive (avg, kernel = the whole signal), not a reduction: the
 *   train step needs its backward, and oneDNN 2.6 has no reduction backward.
 * - Weights take format_tag::any (oneDNN's blocked choice). The activations' layout is chosen
 *   at set-up by measurement, separately for the forward and the train step: oneDNN's own
 *   choice (format_tag::any), channels last, blocked by 8 or by 16 channels, and for the train
 *   step each with the relu separate or fused, are built and timed (this thread's CPU time,
 *   interleaved); candidates where oneDNN falls back to a reference implementation are skipped.
 *   The info lines name every candidate's time and the one kept. The inputs, labels and
 *   parameters are reordered into the chosen formats at set-up; should a primitive still want a
 *   format its producer did not give, a reorder is inserted where it runs (inside the timed
 *   region: it is the library's cost) and named in the info lines.
 * - Debian's oneDNN 2.6 uses the OpenMP runtime (DNNL_CPU_RUNTIME in dnnl_config.h; libdnnl links
 *   libgomp). Its threads are OpenMP's: omp_set_num_threads(1) is called before any oneDNN call,
 *   found through dlsym so the link line stays -ldnnl, and omp_get_max_threads() is checked.
 * - Execution uses the C API with prebuilt argument arrays, so the C++ wrapper's per-call
 *   std::unordered_map of arguments is not part of the measured time.
 *
 * Build: g++ -std=c++17 -O3 -march=native -Wall -Wextra tests/bench/conv/bench_dnnl.cpp -ldnnl
 */
#include <oneapi/dnnl/dnnl.hpp>

#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using dnnl::memory;
using Dims = memory::dims;
using Tag = memory::format_tag;
using Type = memory::data_type;

constexpr float learning_rate = 0.01f;
constexpr double run_min_ns = 2e6;   /* one timed run takes at least this long */
constexpr int timed_runs = 41;       /* the median of this many runs is reported */
constexpr double warmup_ns = 20e6;
constexpr int selection_runs = 15; /* per candidate, when choosing the activation layout */

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/* ---------------------------------------------------------------- the nets (conv-bench.md) */

enum class Kind { Conv, MaxPool, GlobalAvgPool, Dense };

struct LayerSpec {
    Kind kind;
    long channels; /* output channels (Conv, Dense) */
    long kernel;   /* Conv, MaxPool (MaxPool's stride is its kernel) */
    long stride;   /* Conv */
    long pad;      /* Conv, both sides */
};

struct NetSpec {
    const char *name;
    long batch;
    long in_channels;
    Dims in_spatial; /* {H, W} or {L} */
    std::vector<LayerSpec> layers;
};

const std::vector<NetSpec> &all_nets()
{
    static const std::vector<NetSpec> nets = {
        {"cnn8", 32, 1, {8, 8},
         {{Kind::Conv, 8, 3, 1, 1},
          {Kind::MaxPool, 0, 2, 2, 0},
          {Kind::Conv, 16, 3, 1, 0},
          {Kind::GlobalAvgPool, 0, 0, 0, 0},
          {Kind::Dense, 10, 0, 0, 0}}},
        {"kws", 16, 40, {49},
         {{Kind::Conv, 64, 3, 1, 1},
          {Kind::Conv, 64, 3, 2, 1},
          {Kind::Conv, 64, 3, 1, 1},
          {Kind::GlobalAvgPool, 0, 0, 0, 0},
          {Kind::Dense, 12, 0, 0, 0}}},
    };
    return nets;
}

long product(const Dims &d)
{
    long p = 1;
    for (auto v : d)
        p *= v;
    return p;
}

Dims repeat(size_t n, long v) { return Dims(n, v); }

/* Shapes of one layer: {N, C, spatial...} in and out. */
struct Shapes {
    Dims in, out;
};

std::vector<Shapes> layer_shapes(const NetSpec &net)
{
    std::vector<Shapes> shapes;
    Dims cur = {net.batch, net.in_channels};
    cur.insert(cur.end(), net.in_spatial.begin(), net.in_spatial.end());
    for (const auto &l : net.layers) {
        Dims out = cur;
        size_t spatial = cur.size() - 2;
        switch (l.kind) {
        case Kind::Conv:
            out[1] = l.channels;
            for (size_t s = 0; s < spatial; s++)
                out[2 + s] = (cur[2 + s] + 2 * l.pad - l.kernel) / l.stride + 1;
            break;
        case Kind::MaxPool:
            for (size_t s = 0; s < spatial; s++)
                out[2 + s] = cur[2 + s] / l.kernel;
            break;
        case Kind::GlobalAvgPool:
            for (size_t s = 0; s < spatial; s++)
                out[2 + s] = 1;
            break;
        case Kind::Dense:
            out = {cur[0], l.channels};
            break;
        }
        shapes.push_back({cur, out});
        cur = out;
    }
    return shapes;
}

/* One parameter tensor: oneDNN dims and PyTorch's layout as a format tag over them (a dense
 * W[O][C] is the inner product's {O, C, 1...} weights, whose oihw/oiw bytes are the same). */
struct ParamSpec {
    Dims dims;
    Tag user_tag;
};

Tag plain_weights_tag(size_t ndims) { return ndims == 3 ? Tag::oiw : Tag::oihw; }

/* net_params order: W then b of every Conv and Dense layer. */
std::vector<ParamSpec> param_specs(const NetSpec &net)
{
    std::vector<ParamSpec> specs;
    auto shapes = layer_shapes(net);
    for (size_t i = 0; i < net.layers.size(); i++) {
        const auto &l = net.layers[i];
        const Dims &in = shapes[i].in;
        if (l.kind != Kind::Conv && l.kind != Kind::Dense)
            continue;
        Dims w = {l.channels, in[1]};
        for (size_t s = 2; s < in.size(); s++)
            w.push_back(l.kind == Kind::Conv ? l.kernel : in[s]);
        specs.push_back({w, plain_weights_tag(w.size())});
        specs.push_back({{l.channels}, Tag::x});
    }
    return specs;
}

/* ---------------------------------------------------------------- files */

std::string join_path(const std::string &dir, const std::string &net, const std::string &file)
{
    return dir + "/" + net + "/" + file;
}

std::vector<float> read_floats(const std::string &path, long count)
{
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        throw Failure(path + ": cannot open (" + std::strerror(errno) + "; run the prep first)");
    std::vector<float> data((size_t)count);
    size_t got = std::fread(data.data(), sizeof(float), data.size(), f);
    bool extra = std::fgetc(f) != EOF;
    long bytes = std::fseek(f, 0, SEEK_END) == 0 ? std::ftell(f) : -1;
    std::fclose(f);
    if (got != data.size() || extra)
        throw Failure(path + ": expected exactly " + std::to_string(count) + " float32 values (" +
                      std::to_string(count * 4) + " bytes), found " + std::to_string(bytes) + " bytes");
    for (float v : data)
        if (!std::isfinite(v))
            throw Failure(path + ": holds a value that is not finite");
    return data;
}

struct OutputFile {
    std::string path;
    const void *data;
    size_t bytes;
};

/* Each file is written beside its target, and only when all are written are they renamed over
 * their targets, so a failed run leaves earlier output as it was. */
void write_files(const std::vector<OutputFile> &files)
{
    for (size_t k = 0; k < files.size(); k++) {
        std::string tmp = files[k].path + ".tmp";
        FILE *f = std::fopen(tmp.c_str(), "wb");
        bool ok = f && std::fwrite(files[k].data, 1, files[k].bytes, f) == files[k].bytes;
        if (f && std::fclose(f) != 0)
            ok = false;
        if (!ok) {
            std::string why = std::strerror(errno);
            for (size_t j = 0; j <= k; j++)
                if (f || j < k)
                    std::remove((files[j].path + ".tmp").c_str());
            throw Failure(files[k].path + ": cannot write (" + why + ")");
        }
    }
    for (const auto &file : files)
        if (std::rename((file.path + ".tmp").c_str(), file.path.c_str()) != 0)
            throw Failure(file.path + ": cannot write (" + std::strerror(errno) + ")");
}

/* ---------------------------------------------------------------- oneDNN plumbing */

struct Engine {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
};

memory::desc any_desc(const Dims &dims) { return memory::desc(dims, Type::f32, Tag::any); }

float *data_of(const memory &m) { return static_cast<float *>(m.get_data_handle()); }
size_t floats_of(const memory &m) { return m.get_desc().get_size() / sizeof(float); }

/* A memory format in oneDNN's verbose notation (nChw16c is aBcd16b): dims a, b, c... outermost
 * first, upper case when blocked, then the inner blocks. */
std::string format_name(const memory::desc &md)
{
    const dnnl_memory_desc_t &d = md.data;
    if (d.format_kind != dnnl_blocked)
        return "non-blocked";
    const dnnl_blocking_desc_t &b = d.format_desc.blocking;
    std::vector<int> order((size_t)d.ndims);
    for (int k = 0; k < d.ndims; k++)
        order[(size_t)k] = k;
    std::stable_sort(order.begin(), order.end(), [&b](int x, int y) { return b.strides[x] > b.strides[y]; });
    std::string name;
    for (int k : order) {
        bool blocked = false;
        for (int j = 0; j < b.inner_nblks; j++)
            blocked = blocked || b.inner_idxs[j] == k;
        name += (char)((blocked ? 'A' : 'a') + k);
    }
    for (int j = 0; j < b.inner_nblks; j++)
        name += std::to_string(b.inner_blks[j]) + (char)('a' + b.inner_idxs[j]);
    return name;
}

/* One thing the step does: a primitive with its prebuilt argument array, or a plain loop. */
struct Step {
    dnnl_primitive_t prim = nullptr;
    std::vector<dnnl_exec_arg_t> args;
    std::function<void()> loop;
};

/* An ordered list of steps (the timed forward, the train step), and what keeps them alive. */
class Program {
public:
    Program(Engine &e, std::string label, std::string name)
        : e_(e), label_(std::move(label)), name_(std::move(name))
    {
    }

    /* Prim(pd) is created here, once; its implementation is printed as an info line. A pooling
     * primitive's workspace, when it has one, is passed apart. */
    template <class Prim, class PrimitiveDesc>
    void add(const std::string &what, const PrimitiveDesc &pd,
             std::vector<std::pair<int, memory>> args, const memory &workspace = memory())
    {
        if (workspace)
            args.emplace_back(DNNL_ARG_WORKSPACE, workspace);
        add_primitive(what, pd.impl_info_str(), Prim(pd), args);
    }

    void add_loop(std::function<void()> loop)
    {
        Step s;
        s.loop = std::move(loop);
        steps_.push_back(std::move(s));
    }

    /* `m` in `want`'s format: `m` itself, or a copy reordered here, inside the program. */
    memory in_format(const memory &m, const memory::desc &want, const std::string &why)
    {
        if (m.get_desc() == want)
            return m;
        memory out(want, e_.eng);
        dnnl::reorder::primitive_desc pd(e_.eng, m.get_desc(), e_.eng, want);
        add_primitive("reorder " + format_name(m.get_desc()) + " -> " + format_name(want) + " for " + why,
                      pd.impl_info_str(), dnnl::reorder(pd), {{DNNL_ARG_FROM, m}, {DNNL_ARG_TO, out}});
        reorders_++;
        return out;
    }

    void run() const
    {
        for (const auto &s : steps_) {
            if (!s.prim) {
                s.loop();
                continue;
            }
            dnnl_status_t status =
                dnnl_primitive_execute(s.prim, e_.strm.get(), (int)s.args.size(), s.args.data());
            if (status != dnnl_success)
                throw Failure("oneDNN: a primitive failed to execute (status " +
                              std::to_string((int)status) + ")");
        }
        e_.strm.wait();
    }

    int reorders() const { return reorders_; }

    /* Whether a primitive fell back to oneDNN's reference (plain loop) implementation. */
    bool uses_reference() const { return uses_reference_; }

    /* Memory the loops use (the primitives' arguments are kept already). */
    void keep(const memory &m) { memories_.push_back(m); }

    /* The info lines: each primitive, in order, with its implementation. */
    void print_info() const
    {
        for (const auto &line : info_)
            std::printf("info %s %s: %s\n", label_.c_str(), name_.c_str(), line.c_str());
    }

private:
    void add_primitive(const std::string &what, const char *impl, dnnl::primitive prim,
                       const std::vector<std::pair<int, memory>> &args)
    {
        info_.push_back(what + ": " + impl);
        uses_reference_ = uses_reference_ || std::strncmp(impl, "ref", 3) == 0;
        Step s;
        s.prim = prim.get();
        for (const auto &a : args) {
            s.args.push_back({a.first, a.second.get()});
            memories_.push_back(a.second);
        }
        primitives_.push_back(std::move(prim));
        steps_.push_back(std::move(s));
    }

    Engine &e_;
    std::string label_, name_;
    std::vector<dnnl::primitive> primitives_;
    std::vector<memory> memories_;
    std::vector<Step> steps_;
    std::vector<std::string> info_;
    int reorders_ = 0;
    bool uses_reference_ = false;
};

/* ---------------------------------------------------------------- timing */

/* The reported times are wall time (CLOCK_MONOTONIC), as every program of the benchmark
 * measures; the set-up choice of layouts uses this thread's CPU time (oneDNN runs in the calling
 * thread), which the other processes of a shared machine disturb far less. */
double now_ns(clockid_t clock = CLOCK_MONOTONIC)
{
    timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

struct Timing {
    double ns_per_call;
    long reps;
};

volatile double timing_sink;

template <class Op>
double time_run(const Op &op, long reps, clockid_t clock = CLOCK_MONOTONIC)
{
    double start = now_ns(clock);
    for (long k = 0; k < reps; k++)
        op();
    return now_ns(clock) - start;
}

/* After `warmup` ns of calls (caches, the first touch of oneDNN's scratchpads): the repetition
 * count that makes one run take at least run_min_ns. */
template <class Op>
long calibrate(const Op &op, double warmup, clockid_t clock = CLOCK_MONOTONIC)
{
    double start = now_ns(clock);
    long calls = 0;
    do {
        op();
        calls++;
    } while (now_ns(clock) - start < warmup);
    double per_call = (now_ns(clock) - start) / (double)calls;
    long reps = std::max(1L, (long)std::ceil(run_min_ns * 1.1 / per_call));
    for (double t; (t = time_run(op, reps, clock)) < run_min_ns;)
        reps = std::max(reps + 1, (long)std::ceil((double)reps * run_min_ns * 1.1 / t));
    return reps;
}

double median(std::vector<double> v)
{
    std::nth_element(v.begin(), v.begin() + (long)(v.size() / 2), v.end());
    return v[v.size() / 2];
}

/* The median over timed_runs runs of per-call ns. */
template <class Op>
Timing measure(const Op &op)
{
    long reps = calibrate(op, warmup_ns);
    std::vector<double> per(timed_runs);
    for (auto &v : per)
        v = time_run(op, reps) / (double)reps;
    return {median(per), reps};
}

/* ---------------------------------------------------------------- one net */

using dnnl::algorithm;
using dnnl::prop_kind;

/* What the train step's backward needs of a layer's forward. */
struct TrainRecord {
    memory src; /* the layer's input, as its forward primitive read it */
    memory z;   /* Conv with a separate relu, Dense: the pre-activation */
    memory dst; /* the layer's output (Conv: after the relu; Dense: the softmax) */
    memory workspace;
    memory::desc unviewed_src; /* Dense reading a matrix view (see matrix_view): the view's origin */
    dnnl::convolution_forward::primitive_desc conv;
    dnnl::eltwise_forward::primitive_desc relu;
    dnnl::pooling_forward::primitive_desc pool;
    dnnl::inner_product_forward::primitive_desc dense;
    size_t param = 0; /* index of W in net_params (b follows) */
};

/* Layouts of the activations tried at set-up (weights always take format_tag::any). */
enum class Layout { Any, ChannelsLast, Blocked8, Blocked16 };
constexpr Layout all_layouts[] = {Layout::Any, Layout::ChannelsLast, Layout::Blocked8, Layout::Blocked16};

const char *layout_name(Layout layout)
{
    switch (layout) {
    case Layout::Any: return "any (oneDNN's choice)";
    case Layout::ChannelsLast: return "channels last (nwc/nhwc)";
    case Layout::Blocked8: return "blocked by 8 channels (nCw8c/nChw8c)";
    case Layout::Blocked16: return "blocked by 16 channels (nCw16c/nChw16c)";
    }
    return "?";
}

memory::desc activation_desc(Layout layout, const Dims &dims)
{
    bool one_d = dims.size() == 3;
    switch (layout) {
    case Layout::ChannelsLast: return memory::desc(dims, Type::f32, one_d ? Tag::nwc : Tag::nhwc);
    case Layout::Blocked8: return memory::desc(dims, Type::f32, one_d ? Tag::nCw8c : Tag::nChw8c);
    case Layout::Blocked16: return memory::desc(dims, Type::f32, one_d ? Tag::nCw16c : Tag::nChw16c);
    case Layout::Any: break;
    }
    return any_desc(dims);
}

/* A built program: the timed inference forward (`out`: its softmax) or the train step
 * (`weights`: its parameters, net_params order). */
struct Built {
    std::unique_ptr<Program> program;
    memory out;
    std::vector<memory> weights;
};

class Net {
public:
    Net(Engine &e, const NetSpec &spec, const std::string &dir, const std::string &label)
        : e_(e), spec_(spec), label_(label), shapes_(layer_shapes(spec)), params_(param_specs(spec)),
          forward_choice_(std::string(spec.name) + " forward:"), train_choice_(std::string(spec.name) + " train:")
    {
        if (spec_.layers.front().kind != Kind::Conv || spec_.layers.back().kind != Kind::Dense)
            throw Failure(std::string(spec_.name) + ": the builder expects conv first, dense last");
        long m = spec_.batch;
        const Dims &in = shapes_.front().in;
        classes_ = shapes_.back().out[1];
        long param_count = 0;
        for (const auto &p : params_)
            param_count += product(p.dims);
        params0_ = read_floats(join_path(dir, spec_.name, "params0.f32"), param_count);
        x_host_ = read_floats(join_path(dir, spec_.name, "X.f32"), product(in));
        y_host_ = read_floats(join_path(dir, spec_.name, "Y.f32"), classes_ * m);

        x_user_ = memory(batch_last_desc(in), e_.eng, x_host_.data());
        y_ = memory(memory::desc({m, classes_}, Type::f32, Tag::nc), e_.eng);
        reorder_now(memory(batch_last_desc({m, classes_}), e_.eng, y_host_.data()), y_);
        long offset = 0;
        for (const auto &p : params_) {
            param_user_.emplace_back(memory::desc(p.dims, Type::f32, p.user_tag), e_.eng,
                                     params0_.data() + offset);
            offset += product(p.dims);
        }
        std::vector<Candidate> train, forward;
        for (Layout l : all_layouts) {
            for (bool fused : {false, true})
                train.push_back({std::string(layout_name(l)) + (fused ? ", relu fused" : ", relu separate"),
                                 [this, l, fused] { return build_train(l, fused); }});
            forward.push_back({layout_name(l), [this, l] { return build_forward(l); }});
        }
        train_ = choose(train, train_choice_);
        forward_ = choose(forward, forward_choice_);
    }

    void forward() const { forward_.program->run(); }

    double train_step()
    {
        train_.program->run();
        return loss_;
    }

    /* J of the inference forward's output. */
    double forward_loss() const { return cost(data_of(forward_.out), data_of(y_), out_floats()); }

    /* The inference forward's output as classes x m (Y's layout). */
    std::vector<float> forward_output() const
    {
        std::vector<float> out((size_t)out_floats());
        reorder_now(forward_.out, memory(batch_last_desc({spec_.batch, classes_}), e_.eng, out.data()));
        return out;
    }

    /* The training parameters in net_params order and PyTorch's layouts. */
    std::vector<double> trained_params() const
    {
        std::vector<double> all;
        for (size_t p = 0; p < params_.size(); p++) {
            std::vector<float> host((size_t)product(params_[p].dims));
            const memory &w = train_.weights[p];
            reorder_now(w, user_param(p, host.data(), w.get_desc().dims()));
            all.insert(all.end(), host.begin(), host.end());
        }
        return all;
    }

    void print_info() const
    {
        forward_.program->print_info();
        train_.program->print_info();
        std::printf("info %s %s\n", label_.c_str(), forward_choice_.c_str());
        std::printf("info %s %s\n", label_.c_str(), train_choice_.c_str());
        std::printf("info %s %s reorders inside the timed forward %d, inside the train step %d\n", label_.c_str(),
                    spec_.name, forward_.program->reorders(), train_.program->reorders());
    }

private:
    /* {N, C, spatial...} stored batch last: element (c, s...) of sample n at (c*S... + s)*N + n. */
    static memory::desc batch_last_desc(const Dims &dims)
    {
        Dims strides(dims.size());
        strides[0] = 1;
        long stride = dims[0];
        for (size_t k = dims.size() - 1; k >= 1; k--) {
            strides[k] = stride;
            stride *= dims[k];
        }
        return memory::desc(dims, Type::f32, strides);
    }

    /* Set-up only: a reorder created, run once and dropped. */
    void reorder_now(const memory &from, const memory &to) const
    {
        dnnl::reorder(from, to).execute(e_.strm, const_cast<memory &>(from), const_cast<memory &>(to));
        e_.strm.wait();
    }

    memory input_in(const memory::desc &want) const
    {
        memory x(want, e_.eng);
        reorder_now(x_user_, x);
        return x;
    }

    /* Parameter p in `want`'s format; a dense W taken as a matrix (dims {O, C}, see matrix_view)
     * reads PyTorch's W[O][C] as it is. */
    memory param_in(size_t p, const memory::desc &want) const
    {
        memory w(want, e_.eng);
        reorder_now(user_param(p, param_user_[p].get_data_handle(), want.dims()), w);
        return w;
    }

    memory user_param(size_t p, void *data, const Dims &dims) const
    {
        return memory(memory::desc(params_[p].dims, Type::f32, params_[p].user_tag).reshape(dims), e_.eng, data);
    }

    /* Dense W's dims: {O, C, 1...} for a source {N, C, 1...}, {O, C} for a matrix source. */
    Dims dense_weight_dims(size_t p, const memory &src) const
    {
        Dims dims = params_[p].dims;
        dims.resize(src.get_desc().dims().size());
        return dims;
    }

    /* The global avgpool's output {N, C, 1...} as a plain N x C matrix over the same buffer when
     * its format is byte for byte that matrix (a channel-blocked format is when C is a multiple
     * of the block), else `m` itself. The inner product then takes a 2-D source: with the 3-D
     * blocked one of kws, oneDNN 2.6 falls back to its reference implementation (~0.4 ms per
     * call instead of ~3 us). Checked by writing n*C + c through a reorder and reading it back. */
    memory matrix_view(const memory &m) const
    {
        Dims dims = m.get_desc().dims();
        long n = dims[0], c = dims[1];
        if (product(dims) != n * c || m.get_desc().get_size() != (size_t)(n * c) * sizeof(float))
            return m;
        std::vector<float> index((size_t)(n * c));
        for (size_t k = 0; k < index.size(); k++)
            index[k] = (float)k;
        Dims plain_strides(dims.size(), 1);
        plain_strides[0] = c;
        memory probe(m.get_desc(), e_.eng);
        reorder_now(memory(memory::desc(dims, Type::f32, plain_strides), e_.eng, index.data()), probe);
        const float *got = data_of(probe);
        for (size_t k = 0; k < index.size(); k++)
            if (got[k] != index[k])
                return m;
        return memory(memory::desc({n, c}, Type::f32, Tag::nc), e_.eng, m.get_data_handle());
    }

    long out_floats() const { return spec_.batch * classes_; }

    /* J = -(1/m) sum Y log A; the zero terms of one-hot Y are skipped (no log of them). */
    double cost(const float *a, const float *y, long n) const
    {
        double sum = 0;
        for (long k = 0; k < n; k++)
            if (y[k] != 0.0f)
                sum -= (double)y[k] * std::log((double)a[k]);
        return sum / (double)spec_.batch;
    }

    static std::string layer_name(const char *what, size_t i)
    {
        return "L" + std::to_string(i + 1) + " " + what;
    }

    static Dims spatial_of(const Dims &dims) { return Dims(dims.begin() + 2, dims.end()); }

    static std::string formats(const memory::desc &src, const memory::desc &weights, const memory::desc &dst)
    {
        return " (src " + format_name(src) + ", weights " + format_name(weights) + ", dst " + format_name(dst) +
               ")";
    }

    /* Which activation layout is fastest depends on the net: oneDNN's own choice (format_tag::any)
     * is brgconv on nhwc for inference, ~4x slower on cnn8 than the nChw16c jit kernels it picks
     * for training. So every layout is built and timed once at set-up (a short measurement), and
     * the fastest is built afresh (the timing trained the candidates' own parameter copies). */
    struct Candidate {
        std::string name;
        std::function<Built()> build;
    };

    /* The candidates are timed in this thread's CPU time, interleaved (one run of each in turn),
     * and compared by their medians. */
    Built choose(const std::vector<Candidate> &candidates, std::string &summary) const
    {
        struct Trial {
            const Candidate *candidate;
            Built built;
            long reps;
            std::vector<double> ns;
        };
        std::vector<Trial> trials;
        std::vector<std::string> verdicts(candidates.size());
        for (size_t k = 0; k < candidates.size(); k++) {
            const Candidate &c = candidates[k];
            try {
                Built built = c.build();
                if (built.program->uses_reference()) /* never the fastest, and seconds to time */
                    verdicts[k] = " " + c.name + ": a reference implementation;";
                else
                    trials.push_back({&c, std::move(built), 0, {}});
            } catch (const dnnl::error &) {
                verdicts[k] = " " + c.name + ": not supported;";
            }
        }
        if (trials.empty())
            throw Failure(std::string(spec_.name) + ": oneDNN has no fast implementation for any activation layout");
        const clockid_t cpu = CLOCK_THREAD_CPUTIME_ID;
        for (Trial &t : trials)
            t.reps = calibrate([&t] { t.built.program->run(); }, 5e6, cpu);
        for (int round = 0; round < selection_runs; round++)
            for (Trial &t : trials)
                t.ns.push_back(time_run([&t] { t.built.program->run(); }, t.reps, cpu) / (double)t.reps);
        const Trial *best = nullptr;
        for (const Trial &t : trials) {
            char text[100];
            std::snprintf(text, sizeof text, " %.1f ns;", median(t.ns));
            verdicts[(size_t)(t.candidate - candidates.data())] = " " + t.candidate->name + text;
            if (!best || median(t.ns) < median(best->ns))
                best = &t;
        }
        for (const auto &v : verdicts)
            summary += v;
        summary += " kept " + best->candidate->name + " (set-up, CPU time, medians of " +
                   std::to_string(selection_runs) + " interleaved runs)";
        return best->candidate->build();
    }

    /* The inference forward, activations in `layout` (the first convolution's source: its choice). */
    Built build_forward(Layout layout) const
    {
        Built f;
        f.program = std::make_unique<Program>(e_, label_, std::string(spec_.name) + " forward");
        Program &prog = *f.program;
        memory cur;
        size_t p = 0;
        for (size_t i = 0; i < spec_.layers.size(); i++) {
            const LayerSpec &l = spec_.layers[i];
            const Shapes &sh = shapes_[i];
            size_t ns = sh.in.size() - 2;
            switch (l.kind) {
            case Kind::Conv: {
                dnnl::post_ops ops;
                ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
                dnnl::primitive_attr attr;
                attr.set_post_ops(ops);
                dnnl::convolution_forward::primitive_desc pd(
                    {prop_kind::forward_inference, algorithm::convolution_direct,
                     i == 0 ? any_desc(sh.in) : activation_desc(layout, sh.in), any_desc(params_[p].dims),
                     any_desc(params_[p + 1].dims), activation_desc(layout, sh.out),
                     repeat(ns, l.stride), repeat(ns, l.pad), repeat(ns, l.pad)},
                    attr, e_.eng);
                std::string name = layer_name("conv+relu forward_inference", i);
                memory src = i == 0 ? input_in(pd.src_desc()) : prog.in_format(cur, pd.src_desc(), name);
                memory dst(pd.dst_desc(), e_.eng);
                prog.add<dnnl::convolution_forward>(name + formats(pd.src_desc(), pd.weights_desc(), pd.dst_desc()),
                                                    pd,
                                                    {{DNNL_ARG_SRC, src},
                                                     {DNNL_ARG_WEIGHTS, param_in(p, pd.weights_desc())},
                                                     {DNNL_ARG_BIAS, param_in(p + 1, pd.bias_desc())},
                                                     {DNNL_ARG_DST, dst}});
                cur = dst;
                p += 2;
                break;
            }
            case Kind::MaxPool:
            case Kind::GlobalAvgPool: {
                dnnl::pooling_forward::primitive_desc pd(pool_desc(prop_kind::forward_inference, l, sh, cur),
                                                         e_.eng);
                memory dst(pd.dst_desc(), e_.eng);
                memory workspace;
                if (pd.workspace_desc().get_size() != 0)
                    workspace = memory(pd.workspace_desc(), e_.eng);
                prog.add<dnnl::pooling_forward>(layer_name(pool_name(l), i) + " forward_inference", pd,
                                                {{DNNL_ARG_SRC, cur}, {DNNL_ARG_DST, dst}}, workspace);
                cur = dst;
                break;
            }
            case Kind::Dense: {
                cur = matrix_view(cur);
                dnnl::inner_product_forward::primitive_desc pd(
                    {prop_kind::forward_inference, cur.get_desc(), any_desc(dense_weight_dims(p, cur)),
                     any_desc(params_[p + 1].dims), memory::desc(sh.out, Type::f32, Tag::nc)},
                    e_.eng);
                memory logits(pd.dst_desc(), e_.eng);
                prog.add<dnnl::inner_product_forward>(
                    layer_name("inner_product forward_inference", i), pd,
                    {{DNNL_ARG_SRC, cur},
                     {DNNL_ARG_WEIGHTS, param_in(p, pd.weights_desc())},
                     {DNNL_ARG_BIAS, param_in(p + 1, pd.bias_desc())},
                     {DNNL_ARG_DST, logits}});
                dnnl::softmax_forward::primitive_desc sm({prop_kind::forward_inference, logits.get_desc(), 1},
                                                         e_.eng);
                f.out = memory(sm.dst_desc(), e_.eng);
                if (f.out.get_desc() != y_.get_desc())
                    throw Failure("oneDNN: the softmax output is not in plain nc format");
                prog.add<dnnl::softmax_forward>(layer_name("softmax forward_inference", i), sm,
                                                {{DNNL_ARG_SRC, logits}, {DNNL_ARG_DST, f.out}});
                p += 2;
                break;
            }
            }
        }
        return f;
    }

    static const char *pool_name(const LayerSpec &l)
    {
        return l.kind == Kind::MaxPool ? "pooling_max" : "pooling_avg (global)";
    }

    /* Max pooling: kernel = stride = l.kernel; global avgpool: kernel = the whole signal. */
    static Dims pool_kernel(const LayerSpec &l, const Shapes &sh)
    {
        return l.kind == Kind::MaxPool ? repeat(sh.in.size() - 2, l.kernel) : spatial_of(sh.in);
    }
    static Dims pool_strides(const LayerSpec &l, const Shapes &sh)
    {
        return l.kind == Kind::MaxPool ? pool_kernel(l, sh) : repeat(sh.in.size() - 2, 1);
    }
    static algorithm pool_algorithm(const LayerSpec &l)
    {
        return l.kind == Kind::MaxPool ? algorithm::pooling_max : algorithm::pooling_avg_exclude_padding;
    }

    static dnnl::pooling_forward::desc pool_desc(prop_kind kind, const LayerSpec &l, const Shapes &sh,
                                                 const memory &src)
    {
        Dims zero = repeat(sh.in.size() - 2, 0);
        return dnnl::pooling_forward::desc(kind, pool_algorithm(l), src.get_desc(), any_desc(sh.out),
                                           pool_strides(l, sh), pool_kernel(l, sh), zero, zero);
    }

    static dnnl::pooling_backward::desc pool_backward_desc(const LayerSpec &l, const Shapes &sh,
                                                           const TrainRecord &r)
    {
        Dims zero = repeat(sh.in.size() - 2, 0);
        return dnnl::pooling_backward::desc(pool_algorithm(l), r.src.get_desc(), r.dst.get_desc(),
                                            pool_strides(l, sh), pool_kernel(l, sh), zero, zero);
    }

    /* The train step, activations in `layout` (the first convolution's source: its choice);
     * fused_relu: the relu is a post-op of the training convolution and its backward the
     * eltwise_relu_use_dst_for_bwd algorithm, else separate eltwise forward/backward primitives. */
    Built build_train(Layout layout, bool fused_relu)
    {
        Built built;
        built.program = std::make_unique<Program>(e_, label_, std::string(spec_.name) + " train");
        Program &train = *built.program;
        std::vector<memory> &train_w = built.weights;
        std::vector<TrainRecord> records(spec_.layers.size());
        train_w.resize(params_.size());
        std::vector<memory> grads(params_.size());
        memory cur;
        size_t p = 0;
        /* forward, training mode */
        for (size_t i = 0; i < spec_.layers.size(); i++) {
            const LayerSpec &l = spec_.layers[i];
            const Shapes &sh = shapes_[i];
            TrainRecord &r = records[i];
            size_t ns = sh.in.size() - 2;
            switch (l.kind) {
            case Kind::Conv: {
                dnnl::primitive_attr attr;
                if (fused_relu) {
                    dnnl::post_ops ops;
                    ops.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
                    attr.set_post_ops(ops);
                }
                r.conv = dnnl::convolution_forward::primitive_desc(
                    {prop_kind::forward_training, algorithm::convolution_direct,
                     i == 0 ? any_desc(sh.in) : activation_desc(layout, sh.in), any_desc(params_[p].dims),
                     any_desc(params_[p + 1].dims), activation_desc(layout, sh.out),
                     repeat(ns, l.stride), repeat(ns, l.pad), repeat(ns, l.pad)},
                    attr, e_.eng);
                std::string name =
                    layer_name(fused_relu ? "conv+relu forward_training" : "conv forward_training", i);
                r.param = p;
                r.src = i == 0 ? input_in(r.conv.src_desc()) : train.in_format(cur, r.conv.src_desc(), name);
                train_w[p] = param_in(p, r.conv.weights_desc());
                train_w[p + 1] = param_in(p + 1, r.conv.bias_desc());
                r.z = memory(r.conv.dst_desc(), e_.eng);
                train.add<dnnl::convolution_forward>(
                    name + formats(r.conv.src_desc(), r.conv.weights_desc(), r.conv.dst_desc()), r.conv,
                    {{DNNL_ARG_SRC, r.src},
                     {DNNL_ARG_WEIGHTS, train_w[p]},
                     {DNNL_ARG_BIAS, train_w[p + 1]},
                     {DNNL_ARG_DST, r.z}});
                if (fused_relu) {
                    r.dst = r.z;
                } else {
                    r.relu = dnnl::eltwise_forward::primitive_desc(
                        {prop_kind::forward_training, algorithm::eltwise_relu, r.z.get_desc(), 0.0f, 0.0f}, e_.eng);
                    r.dst = memory(r.relu.dst_desc(), e_.eng);
                    train.add<dnnl::eltwise_forward>(layer_name("eltwise_relu forward_training", i), r.relu,
                                                      {{DNNL_ARG_SRC, r.z}, {DNNL_ARG_DST, r.dst}});
                }
                cur = r.dst;
                p += 2;
                break;
            }
            case Kind::MaxPool:
            case Kind::GlobalAvgPool: {
                r.src = cur;
                r.pool = dnnl::pooling_forward::primitive_desc(pool_desc(prop_kind::forward_training, l, sh, cur),
                                                               e_.eng);
                r.dst = memory(r.pool.dst_desc(), e_.eng);
                if (r.pool.workspace_desc().get_size() != 0)
                    r.workspace = memory(r.pool.workspace_desc(), e_.eng);
                train.add<dnnl::pooling_forward>(layer_name(pool_name(l), i) + " forward_training", r.pool,
                                                  {{DNNL_ARG_SRC, r.src}, {DNNL_ARG_DST, r.dst}}, r.workspace);
                cur = r.dst;
                break;
            }
            case Kind::Dense: {
                r.unviewed_src = cur.get_desc();
                r.src = matrix_view(cur);
                r.param = p;
                r.dense = dnnl::inner_product_forward::primitive_desc(
                    {prop_kind::forward_training, r.src.get_desc(), any_desc(dense_weight_dims(p, r.src)),
                     any_desc(params_[p + 1].dims), memory::desc(sh.out, Type::f32, Tag::nc)},
                    e_.eng);
                train_w[p] = param_in(p, r.dense.weights_desc());
                train_w[p + 1] = param_in(p + 1, r.dense.bias_desc());
                r.z = memory(r.dense.dst_desc(), e_.eng);
                train.add<dnnl::inner_product_forward>(layer_name("inner_product forward_training", i), r.dense,
                                                        {{DNNL_ARG_SRC, r.src},
                                                         {DNNL_ARG_WEIGHTS, train_w[p]},
                                                         {DNNL_ARG_BIAS, train_w[p + 1]},
                                                         {DNNL_ARG_DST, r.z}});
                dnnl::softmax_forward::primitive_desc sm({prop_kind::forward_training, r.z.get_desc(), 1}, e_.eng);
                r.dst = memory(sm.dst_desc(), e_.eng);
                train.add<dnnl::softmax_forward>(layer_name("softmax forward_training", i), sm,
                                                  {{DNNL_ARG_SRC, r.z}, {DNNL_ARG_DST, r.dst}});
                p += 2;
                break;
            }
            }
        }

        /* J and the output layer's dJ/dZ = (A - Y) / m, one loop */
        const TrainRecord &last = records.back();
        if (last.dst.get_desc() != y_.get_desc() || last.z.get_desc() != y_.get_desc())
            throw Failure("oneDNN: the output layer is not in plain nc format");
        memory d(last.z.get_desc(), e_.eng);
        {
            const float *a = data_of(last.dst), *y = data_of(y_);
            float *dz = data_of(d);
            long n = out_floats();
            float inv_m = 1.0f / (float)spec_.batch;
            train.add_loop([this, a, y, dz, n, inv_m] {
                loss_ = cost(a, y, n);
                for (long k = 0; k < n; k++)
                    dz[k] = (a[k] - y[k]) * inv_m;
            });
        }
        train.keep(d);

        /* backward */
        for (size_t i = spec_.layers.size(); i-- > 0;) {
            const LayerSpec &l = spec_.layers[i];
            const Shapes &sh = shapes_[i];
            const TrainRecord &r = records[i];
            size_t ns = sh.in.size() - 2;
            size_t q = r.param;
            switch (l.kind) {
            case Kind::Dense: {
                dnnl::inner_product_backward_weights::primitive_desc bw(
                    {r.src.get_desc(), any_desc(dense_weight_dims(q, r.src)), any_desc(params_[q + 1].dims),
                     d.get_desc()},
                    e_.eng, r.dense);
                std::string name = layer_name("inner_product backward_weights", i);
                memory dw(bw.diff_weights_desc(), e_.eng), db(bw.diff_bias_desc(), e_.eng);
                train.add<dnnl::inner_product_backward_weights>(
                    name, bw,
                    {{DNNL_ARG_SRC, train.in_format(r.src, bw.src_desc(), name)},
                     {DNNL_ARG_DIFF_DST, train.in_format(d, bw.diff_dst_desc(), name)},
                     {DNNL_ARG_DIFF_WEIGHTS, dw},
                     {DNNL_ARG_DIFF_BIAS, db}});
                grads[q] = train.in_format(dw, train_w[q].get_desc(), "sgd");
                grads[q + 1] = train.in_format(db, train_w[q + 1].get_desc(), "sgd");
                if (i > 0) {
                    dnnl::inner_product_backward_data::primitive_desc bd(
                        {r.src.get_desc(), any_desc(dense_weight_dims(q, r.src)), d.get_desc()}, e_.eng, r.dense);
                    name = layer_name("inner_product backward_data", i);
                    memory ds(bd.diff_src_desc(), e_.eng);
                    train.add<dnnl::inner_product_backward_data>(
                        name, bd,
                        {{DNNL_ARG_DIFF_DST, train.in_format(d, bd.diff_dst_desc(), name)},
                         {DNNL_ARG_WEIGHTS, train.in_format(train_w[q], bd.weights_desc(), name)},
                         {DNNL_ARG_DIFF_SRC, ds}});
                    /* the source was a matrix view: its gradient is viewed back the same way */
                    d = ds.get_desc() == r.src.get_desc() && r.src.get_desc() != r.unviewed_src
                            ? memory(r.unviewed_src, e_.eng, ds.get_data_handle())
                            : ds;
                }
                break;
            }
            case Kind::MaxPool:
            case Kind::GlobalAvgPool: {
                dnnl::pooling_backward::primitive_desc pb(pool_backward_desc(l, sh, r), e_.eng, r.pool);
                std::string name = layer_name(pool_name(l), i) + " backward";
                memory ds(pb.diff_src_desc(), e_.eng);
                train.add<dnnl::pooling_backward>(
                    name, pb,
                    {{DNNL_ARG_DIFF_DST, train.in_format(d, pb.diff_dst_desc(), name)}, {DNNL_ARG_DIFF_SRC, ds}},
                    r.workspace);
                d = ds;
                break;
            }
            case Kind::Conv: {
                /* relu backward: from its input z, or (fused) from its output */
                memory dz;
                if (fused_relu) {
                    dnnl::eltwise_forward::primitive_desc hint(
                        {prop_kind::forward_training, algorithm::eltwise_relu_use_dst_for_bwd, r.dst.get_desc(),
                         0.0f, 0.0f},
                        e_.eng);
                    dnnl::eltwise_backward::primitive_desc rb(
                        {algorithm::eltwise_relu_use_dst_for_bwd, r.dst.get_desc(), r.dst.get_desc(), 0.0f, 0.0f},
                        e_.eng, hint);
                    std::string name = layer_name("eltwise_relu_use_dst_for_bwd backward", i);
                    dz = memory(rb.diff_src_desc(), e_.eng);
                    train.add<dnnl::eltwise_backward>(name, rb,
                                                       {{DNNL_ARG_DIFF_DST, train.in_format(d, rb.diff_dst_desc(), name)},
                                                        {DNNL_ARG_DST, r.dst},
                                                        {DNNL_ARG_DIFF_SRC, dz}});
                } else {
                    dnnl::eltwise_backward::primitive_desc rb(
                        {algorithm::eltwise_relu, r.z.get_desc(), r.z.get_desc(), 0.0f, 0.0f}, e_.eng, r.relu);
                    std::string name = layer_name("eltwise_relu backward", i);
                    dz = memory(rb.diff_src_desc(), e_.eng);
                    train.add<dnnl::eltwise_backward>(name, rb,
                                                       {{DNNL_ARG_DIFF_DST, train.in_format(d, rb.diff_dst_desc(), name)},
                                                        {DNNL_ARG_SRC, r.z},
                                                        {DNNL_ARG_DIFF_SRC, dz}});
                }
                Dims strides = repeat(ns, l.stride), pads = repeat(ns, l.pad);
                dnnl::convolution_backward_weights::primitive_desc bw(
                    {algorithm::convolution_direct, i == 0 ? r.src.get_desc() : activation_desc(layout, sh.in),
                     any_desc(params_[q].dims), any_desc(params_[q + 1].dims), activation_desc(layout, sh.out),
                     strides, pads, pads},
                    e_.eng, r.conv);
                std::string name = layer_name("conv backward_weights", i);
                memory dw(bw.diff_weights_desc(), e_.eng), db(bw.diff_bias_desc(), e_.eng);
                train.add<dnnl::convolution_backward_weights>(
                    name + formats(bw.src_desc(), bw.diff_weights_desc(), bw.diff_dst_desc()), bw,
                    {{DNNL_ARG_SRC, train.in_format(r.src, bw.src_desc(), name)},
                     {DNNL_ARG_DIFF_DST, train.in_format(dz, bw.diff_dst_desc(), name)},
                     {DNNL_ARG_DIFF_WEIGHTS, dw},
                     {DNNL_ARG_DIFF_BIAS, db}});
                grads[q] = train.in_format(dw, train_w[q].get_desc(), "sgd");
                grads[q + 1] = train.in_format(db, train_w[q + 1].get_desc(), "sgd");
                if (i > 0) {
                    dnnl::convolution_backward_data::primitive_desc bd(
                        {algorithm::convolution_direct, activation_desc(layout, sh.in), any_desc(params_[q].dims),
                         activation_desc(layout, sh.out), strides, pads, pads},
                        e_.eng, r.conv);
                    name = layer_name("conv backward_data", i);
                    memory ds(bd.diff_src_desc(), e_.eng);
                    train.add<dnnl::convolution_backward_data>(
                        name + formats(bd.diff_src_desc(), bd.weights_desc(), bd.diff_dst_desc()), bd,
                        {{DNNL_ARG_DIFF_DST, train.in_format(dz, bd.diff_dst_desc(), name)},
                         {DNNL_ARG_WEIGHTS, train.in_format(train_w[q], bd.weights_desc(), name)},
                         {DNNL_ARG_DIFF_SRC, ds}});
                    d = ds;
                }
                break;
            }
            }
        }

        /* sgd: p -= lr dp over each buffer (a gradient has its parameter's format, padding
         * included, and oneDNN keeps the padding zero, so it stays zero) */
        struct Update {
            float *p;
            const float *dp;
            size_t n;
        };
        std::vector<Update> updates;
        for (size_t k = 0; k < params_.size(); k++) {
            updates.push_back({data_of(train_w[k]), data_of(grads[k]), floats_of(train_w[k])});
            train.keep(grads[k]);
        }
        train.add_loop([updates] {
            for (const Update &u : updates)
                for (size_t k = 0; k < u.n; k++)
                    u.p[k] -= learning_rate * u.dp[k];
        });
        return built;
    }

    Engine &e_;
    const NetSpec &spec_;
    std::string label_;
    std::vector<Shapes> shapes_;
    std::vector<ParamSpec> params_;
    long classes_ = 0;
    std::vector<float> params0_, x_host_, y_host_;
    memory x_user_, y_;
    std::vector<memory> param_user_;
    std::string forward_choice_, train_choice_;
    Built train_, forward_;
    double loss_ = 0;
};

/* ---------------------------------------------------------------- threads */

/* Debian's oneDNN runs on OpenMP: its thread count is OpenMP's, set before any oneDNN call.
 * Looked up at run time (libgomp is loaded as libdnnl's dependency) so no -fopenmp is needed. */
int force_one_thread()
{
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
    using SetThreads = void (*)(int);
    using GetThreads = int (*)();
    auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
    auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
    if (!set || !get)
        throw Failure("oneDNN is built on OpenMP but omp_set_num_threads was not found");
    set(1);
    int threads = get();
    if (threads != 1)
        throw Failure("OpenMP still reports " + std::to_string(threads) + " threads after omp_set_num_threads(1)");
    return threads;
#elif DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_SEQ
    return 1;
#else
#error "bench_dnnl knows how to force one thread with oneDNN's OpenMP or sequential runtime only"
#endif
}

const char *isa_name(dnnl::cpu_isa isa)
{
    switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case dnnl::cpu_isa::all: return "all";
    }
    return "unknown";
}

int run(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        throw Failure("usage: bench_dnnl DATA_DIR PASS LABEL [NET]  (NET: cnn8 or kws; all when omitted)");
    std::string dir = argv[1], pass = argv[2], label = argv[3];
    std::vector<const NetSpec *> chosen;
    for (const auto &net : all_nets())
        if (argc == 4 || net.name == std::string(argv[4]))
            chosen.push_back(&net);
    if (chosen.empty())
        throw Failure(std::string("unknown net '") + argv[4] + "' (expected cnn8 or kws)");

    int threads = force_one_thread();
    const dnnl_version_t *v = dnnl_version();
    std::printf("info %s oneDNN %d.%d.%d (%s), cpu runtime %s, threads %d, isa %s\n",
                label.c_str(), v->major, v->minor, v->patch, v->hash ? v->hash : "no hash",
                v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : v->cpu_runtime == DNNL_RUNTIME_SEQ ? "sequential" : "other",
                threads, isa_name(dnnl::get_effective_cpu_isa()));

    Engine e;
    for (const NetSpec *spec : chosen) {
        Net net(e, *spec, dir, label);
        net.print_info();
        net.forward();
        double j_forward = net.forward_loss();
        std::vector<float> out = net.forward_output();
        double j_step = net.train_step();
        std::vector<double> after = net.trained_params();
        write_files({{join_path(dir, spec->name, "out." + label + ".f32"), out.data(), out.size() * sizeof(float)},
                     {join_path(dir, spec->name, "after." + label + ".f64"), after.data(),
                      after.size() * sizeof(double)}});
        std::printf("check %s %s %.9g %.9g\n", label.c_str(), spec->name, j_forward, j_step);
        std::fflush(stdout);
        Timing f = measure([&net] { net.forward(); });
        Timing t = measure([&net] { timing_sink = net.train_step(); });
        std::printf("result %s %s %s %.1f %.1f %ld %ld\n", label.c_str(), spec->name, pass.c_str(), f.ns_per_call,
                    t.ns_per_call, f.reps, t.reps);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    try {
        return run(argc, argv);
    } catch (const dnnl::error &err) {
        std::fprintf(stderr, "bench_dnnl: oneDNN error: %s (status %d)\n", err.what(), (int)err.status);
    } catch (const std::exception &err) {
        std::fprintf(stderr, "bench_dnnl: %s\n", err.what());
    }
    return 1;
}
